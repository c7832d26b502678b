namespace Arkyn.Features.Stats.Get;

public sealed class Endpoint(Db db, DataOptions options, IStatsWindowReader windows, Timestamps time) : Endpoint<Request, Response>
{
    const int MaxBuckets = 10_000;
    static readonly long FirstInstant = DateTimeOffset.MinValue.ToUnixTimeMilliseconds();

    public override void Configure()
    {
        Get("/http-traffic-stats/{trafficSourceId}");
        Description(b => b.OperationId("getHttpTrafficStats").Problems(400, 401, 403, 404));
        Summary(s =>
        {
            s.Summary = "Per-endpoint counts, error rates and latency percentiles for a time window (default the last 24 h), with the same filters as the record list.";
            s.Description = "errorCount counts 4xx, fatalCount 5xx, errorRate = (errorCount + fatalCount) / count. Percentiles of elapsedTime interpolate linearly between closest ranks (percentile_cont). With interval=1m|5m|1h|1d a series gives one bucket per interval, empty ones included.";
            s.ResponseExamples[200] = new
            {
                startDate = "11/26/2026 at 00:00:00", endDate = "11/27/2026 at 00:00:00",
                endpoints = new[]
                {
                    new
                    {
                        domain = "api.example.com", method = "GET", pathnameTemplate = "/users/{id}", count = 2, errorCount = 0, fatalCount = 0,
                        errorRate = 0, p50 = 10.25, p95 = 12.275, p99 = 12.455, maxElapsed = 12.5,
                    },
                },
                series = (object?)null,
            };
        });
    }

    public override async Task HandleAsync(Request r, CancellationToken ct)
    {
        var sourceId = Ids.Normalize(r.TrafficSourceId);
        await db.RequireReadableSourceAsync(sourceId, User.UserId(), ct);
        var end = TrafficFilterRequest.Date(r.EndDate) ?? time.Now();
        // The default window of a day is cut at the start of the calendar rather than run off it.
        var start = TrafficFilterRequest.Date(r.StartDate) ?? Math.Max(end - (long)TimeSpan.FromDays(1).TotalMilliseconds, FirstInstant);
        if (start >= end && r.StartDate is null) ThrowError(x => x.EndDate!, "endDate must be after 0001-01-01T00:00:00Z.");
        if (start >= end) ThrowError(x => x.StartDate!, "startDate must be before endDate.");

        Series? series = null;
        if (r.Interval is not null)
        {
            var step = (long)Request.Intervals[r.Interval].TotalMilliseconds;
            var first = start - Modulo(start, step);
            if ((end - first + step - 1) / step > MaxBuckets)
                ThrowError(x => x.Interval!, $"That window holds more than {MaxBuckets} buckets of {r.Interval}; choose a longer interval or a shorter window.");
            series = new Series(first, step, (int)((end - first + step - 1) / step));
        }

        var endpointOf = await (from p in db.Pathnames
                                join d in db.Domains on p.DomainId equals d.Id
                                where p.TrafficSourceId == sourceId
                                select new { p.Id, Domain = d.Value, p.Template }).ToDictionaryAsync(p => p.Id, ct);
        // The window is read in as many time slices as there are cores (up to 4), each on its own connection, so one
        // call over a million rows uses the whole machine, as PostgreSQL's parallel scans would. Slices are disjoint,
        // so each row is counted once.
        var slices = Math.Clamp(Environment.ProcessorCount, 1, 4);
        var parts = await Task.WhenAll(Enumerable.Range(0, slices).Select(i =>
            ReadSliceAsync(r, sourceId, start + (end - start) * i / slices, start + (end - start) * (i + 1) / slices, series?.Empty(), ct)));
        foreach (var part in parts) series?.Add(part.Series!);

        // Pathnames that share a template (/users/1, /users/2) are one endpoint.
        var endpoints = new Dictionary<(string Domain, string Method, string Template), Tally>();
        foreach (var (pathnameId, method, tally) in parts.SelectMany(p => p.ByPathname()))
        {
            var e = endpointOf[pathnameId];
            if (endpoints.TryGetValue((e.Domain, method, e.Template), out var merged)) merged.Add(tally);
            else endpoints[(e.Domain, method, e.Template)] = tally;
        }

        var stats = endpoints
            .Select(e => e.Value.ToEndpoint(e.Key.Domain, e.Key.Method, e.Key.Template))
            .OrderByDescending(e => e.Count).ThenBy(e => e.Domain, StringComparer.Ordinal)
            .ThenBy(e => e.PathnameTemplate, StringComparer.Ordinal).ThenBy(e => e.Method, StringComparer.Ordinal)
            .ToList();
        await Send.OkAsync(new Response(time.Format(start), time.Format(end), stats, series?.ToBuckets(time)), ct);
    }

    Task<WindowTallies> ReadSliceAsync(Request r, string sourceId, long from, long to, Series? series, CancellationToken ct) => Task.Run(async () =>
    {
        await using var slice = new Db(options);
        var window = r.Apply(slice, sourceId).Where(t => t.CreatedAt >= from && t.CreatedAt < to);
        // createdAt only places a row in a bucket: without a series, one column less for each of a million rows.
        var query = series is null
            ? window.Select(t => new { t.PathnameId, t.Method, t.Status, t.ElapsedTime }).ToSqlQuery()
            : window.Select(t => new { t.PathnameId, t.Method, t.Status, t.ElapsedTime, t.CreatedAt }).ToSqlQuery();
        var tallies = new WindowTallies(series);
        await windows.ReadAsync(slice, query, tallies, ct);
        return tallies;
    }, ct);

    static long Modulo(long value, long step) => ((value % step) + step) % step;
}
