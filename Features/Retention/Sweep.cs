namespace Arkyn.Features.Retention;

/// <summary>
/// Deletes the traffic that its source keeps no longer (retentionDays, else Retention:Days), with its requests and
/// responses, every Retention:SweepEvery and once at start. Domains and pathnames stay: they are the source's map of
/// its application, not traffic. Deletes go in chunks (<see cref="ChunkedDeletes"/>), so ingestion keeps flowing;
/// with several servers on one PostgreSQL database one of them sweeps at a time and the others skip that round.
/// </summary>
public sealed class Sweep(RetentionSettings settings, DataOptions options, ChunkedDeletes deletes, TimeProvider clock, ILogger<Sweep> log)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(settings.SweepEvery, clock);
        do
        {
            try
            {
                await SweepOnceAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                log.LogError(e, "The retention sweep failed; it runs again in {Every}", settings.SweepEvery);
            }
        }
        while (await WaitAsync(timer, stoppingToken));
    }

    static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken ct)
    {
        try
        {
            return await timer.WaitForNextTickAsync(ct);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>One sweep over every source; returns how many traffic records it deleted (0 when another server holds the sweep).</summary>
    public async Task<long> SweepOnceAsync(CancellationToken ct)
    {
        await using var turn = await Locks.TryHoldAsync(options, Locks.RetentionSweep, ct);
        if (turn is null)
        {
            log.LogDebug("Another server is running the retention sweep; skipping this round");
            return 0;
        }
        List<(string Id, int? Days)> sources;
        await using (var db = new Db(options))
            sources = (await db.TrafficSources.Select(s => new { s.Id, s.RetentionDays }).ToListAsync(ct)).Select(s => (s.Id, s.RetentionDays)).ToList();

        var now = clock.GetUtcNow();
        long total = 0;
        foreach (var (sourceId, days) in sources)
        {
            var before = now - TimeSpan.FromDays(days ?? settings.Days);
            var cutoff = before.ToUnixTimeMilliseconds();
            var removed = await deletes.DeleteTrafficAsync(t => t.TrafficSourceId == sourceId && t.CreatedAt < cutoff, ct);
            if (removed > 0)
                log.LogInformation("Retention removed {Count} traffic records, with their requests and responses, of traffic source {SourceId}: older than {Cutoff:O}",
                    removed, sourceId, before);
            total += removed;
        }
        if (total > 0) log.LogInformation("Retention sweep removed {Count} traffic records from {Sources} traffic sources", total, sources.Count);
        return total;
    }
}
