using System.Globalization;
using System.Text.Json.Nodes;
using Arkyn.Infrastructure.Stats;

namespace Arkyn.Features.Webhooks.Rules;

/// <summary>
/// Checks every enabled webhook's rule each Alerts:EvaluateEvery, from what is already stored: ingestion never waits
/// on it. A level rule reads the traffic after its cursor (createdAt, id) and sends at most one event per
/// Alerts:CoalesceWindow with the count and the first records; a rate rule compares its sliding window with the
/// threshold and sends alert.firing once when it crosses and alert.resolved once when it is back under. Every
/// state change is written with its event in one transaction, conditional on the state's version, so a restart
/// neither repeats nor forgets, and two servers never both act on one check.
/// </summary>
public sealed class Evaluator(DataOptions options, AlertSettings settings, Outbox outbox, TimeProvider clock, ILogger<Evaluator> log) : BackgroundService
{
    const int RecordsInEvent = 10;
    const int WebhooksPerRound = 500;

    sealed class RuleFilter : TrafficFilterRequest;

    sealed record Change(string Type, JsonObject Data, long? CursorCreatedAt, string? CursorId, bool Firing);

    long Now() => clock.GetUtcNow().ToUnixTimeMilliseconds();

    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(settings.EvaluateEvery);
        do
        {
            try
            {
                await EvaluateDueAsync(stopping);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                log.LogWarning(e, "Webhook rules: a round failed; retrying");
            }
        }
        while (await WaitAsync(timer, stopping));
    }

    static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stopping)
    {
        try { return await timer.WaitForNextTickAsync(stopping); }
        catch (OperationCanceledException) { return false; }
    }

    async Task EvaluateDueAsync(CancellationToken ct)
    {
        var now = Now();
        await using var db = new Db(options);
        var due = await (from s in db.WebhookStates
                         join w in db.Webhooks on s.WebhookId equals w.Id
                         join src in db.TrafficSources on w.TrafficSourceId equals src.Id
                         where w.Enabled && s.NextCheckAt <= now
                         orderby s.NextCheckAt
                         select new { State = s, Webhook = w, SourceName = src.Name }).Take(WebhooksPerRound).ToListAsync(ct);
        foreach (var item in due)
        {
            try
            {
                await EvaluateAsync(db, item.State, item.Webhook, item.SourceName, ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogWarning(e, "Webhook rules: checking webhook {WebhookId} failed", item.Webhook.Id);
            }
        }
    }

    async Task EvaluateAsync(Db db, WebhookStateRow state, WebhookRow webhook, string sourceName, CancellationToken ct)
    {
        var now = Now();
        // Claim this check: the first server to move next_check_at on does it.
        var claimed = await db.WebhookStates.Where(s => s.WebhookId == state.WebhookId && s.Version == state.Version && s.NextCheckAt <= now)
            .Set(s => s.NextCheckAt, now + (long)settings.EvaluateEvery.TotalMilliseconds).Set(s => s.Version, state.Version + 1)
            .UpdateAsync(ct);
        if (claimed == 0) return;
        var version = state.Version + 1;

        var rule = Rule.FromStored(webhook.Rule);
        var change = rule.Kind == Rule.Level ? await LevelAsync(db, state, webhook, rule, now, ct) : await WindowAsync(db, state, webhook, rule, now, ct);
        if (change is null) return;

        await using (var tx = await db.BeginTransactionAsync(ct))
        {
            var update = db.WebhookStates.Where(s => s.WebhookId == state.WebhookId && s.Version == version)
                .Set(s => s.Version, version + 1).Set(s => s.LastEventAt, now).Set(s => s.Firing, change.Firing);
            if (change.CursorCreatedAt is { } at) update = update.Set(s => s.CursorCreatedAt, at).Set(s => s.CursorId, change.CursorId!);
            if (await update.UpdateAsync(ct) == 0) return; // the state changed under us (an edit, another server): nothing is sent
            await outbox.AddAsync(db, webhook, sourceName, change.Type, change.Data, ct);
            await tx.CommitAsync(ct);
        }
        outbox.Committed();
    }

    static IQueryable<HttpTrafficRow> Matching(Db db, string sourceId, Rule rule, bool withStatusClass) => new RuleFilter
    {
        Method = rule.Method, Domain = rule.Domain, PathnameTemplate = rule.PathnameTemplate, StatusClass = withStatusClass ? rule.StatusClass : null,
    }.Apply(db, sourceId);

    async Task<Change?> LevelAsync(Db db, WebhookStateRow state, WebhookRow webhook, Rule rule, long now, CancellationToken ct)
    {
        if (state.LastEventAt is { } last && now < last + (long)settings.CoalesceWindow.TotalMilliseconds) return null;
        // Only records at least Alerts:LevelDelay old: one sent a moment after it happened, or committed an instant after
        // a check with a slightly earlier createdAt, is still ahead of the cursor; one dated in the future waits for its time.
        var upTo = now - (long)settings.LevelDelay.TotalMilliseconds;
        var (afterAt, afterId) = (state.CursorCreatedAt, state.CursorId);
        var levels = rule.Levels!;
        var ahead = Matching(db, webhook.TrafficSourceId, rule, withStatusClass: true)
            .Where(t => levels.Contains(t.Level) && t.CreatedAt <= upTo && (t.CreatedAt > afterAt || (t.CreatedAt == afterAt && string.Compare(t.Id, afterId) > 0)));
        var newest = await ahead.OrderByDescending(t => t.CreatedAt).ThenByDescending(t => t.Id)
            .Select(t => new { t.CreatedAt, t.Id }).FirstOrDefaultAsync(ct);
        if (newest is null) return null;

        var (lastAt, lastId) = (newest.CreatedAt, newest.Id);
        var batch = ahead.Where(t => t.CreatedAt < lastAt || (t.CreatedAt == lastAt && string.Compare(t.Id, lastId) <= 0));
        var count = await batch.CountAsync(ct);
        var first = await (from t in batch.OrderBy(t => t.CreatedAt).ThenBy(t => t.Id).Take(RecordsInEvent)
                           join d in db.Domains on t.DomainId equals d.Id
                           join p in db.Pathnames on t.PathnameId equals p.Id
                           select new { t.Id, t.Method, t.Status, Domain = d.Value, Pathname = p.Value, t.ElapsedTime, t.CreatedAt }).ToListAsync(ct);
        var records = new JsonArray(first.OrderBy(r => r.CreatedAt).ThenBy(r => r.Id, StringComparer.Ordinal).Select(r => (JsonNode?)new JsonObject
        {
            ["id"] = r.Id, ["method"] = r.Method, ["status"] = r.Status, ["domain"] = r.Domain, ["pathname"] = r.Pathname,
            ["elapsedTime"] = r.ElapsedTime, ["createdAt"] = outbox.Format(r.CreatedAt),
        }).ToArray());
        var data = new JsonObject
        {
            ["levels"] = new JsonArray(levels.Select(l => (JsonNode?)l).ToArray()),
            ["count"] = count,
            ["records"] = records,
        };
        return new Change(Outbox.TrafficLevel, data, lastAt, lastId, Firing: false);
    }

    async Task<Change?> WindowAsync(Db db, WebhookStateRow state, WebhookRow webhook, Rule rule, long now, CancellationToken ct)
    {
        var from = now - (long)rule.WindowSpan.TotalMilliseconds;
        var latency = rule.Kind == Rule.Latency;
        var window = Matching(db, webhook.TrafficSourceId, rule, withStatusClass: latency).Where(t => t.CreatedAt >= from && t.CreatedAt <= now);
        int count;
        double value;
        var data = new JsonObject { ["kind"] = rule.Kind };
        if (latency)
        {
            // Every value of the window is read only when the state may change: on every other check, two counts
            // tell that it does not (a busy source has a million rows in a 5m window).
            var fraction = rule.Percentile!.Value / 100;
            var (under, near) = (rule.ThresholdMs!.Value - PercentileVersusThreshold.Margin, rule.ThresholdMs.Value + PercentileVersusThreshold.Margin);
            var tally = await window.GroupBy(t => 1)
                .Select(g => new { Count = g.Count(), Under = g.Count(t => t.ElapsedTime < under), Near = g.Count(t => t.ElapsedTime < near) })
                .FirstOrDefaultAsync(ct);
            var certain = tally is null || tally.Count < rule.MinCount ? false : PercentileVersusThreshold.From(tally.Count, tally.Under, tally.Near, fraction);
            if (certain == state.Firing) return null;

            var elapsed = await window.Select(t => t.ElapsedTime).ToListAsync(ct);
            elapsed.Sort();
            count = elapsed.Count;
            // As the stats route computes it: linear interpolation between closest ranks.
            value = Percentiles.Continuous(elapsed, fraction);
            data["percentile"] = rule.Percentile;
            data["threshold"] = rule.ThresholdMs;
        }
        else
        {
            // 4xx and 5xx, or only the rule's statusClass. One query, so the count and the errors are of the same rows.
            var low = rule.StatusClass is { } statusClass ? (statusClass[0] - '0') * 100 : 400;
            var high = rule.StatusClass is null ? 600 : low + 100;
            var tally = await window.GroupBy(t => 1)
                .Select(g => new { Count = g.Count(), Errors = g.Count(t => t.Status >= low && t.Status < high) }).FirstOrDefaultAsync(ct);
            count = tally?.Count ?? 0;
            var errors = tally?.Errors ?? 0;
            value = count == 0 ? 0 : Math.Round((double)errors / count, 4, MidpointRounding.AwayFromZero);
            data["errorCount"] = errors;
            data["threshold"] = rule.Threshold;
        }
        var threshold = latency ? rule.ThresholdMs!.Value : rule.Threshold!.Value;
        var breached = count >= rule.MinCount && value >= threshold;
        if (breached == state.Firing) return null;

        data["value"] = value;
        data["count"] = count;
        data["minCount"] = rule.MinCount;
        data["window"] = rule.Window;
        data["endpoint"] = Endpoint(rule);
        data["startDate"] = outbox.Format(from);
        data["endDate"] = outbox.Format(now);
        return new Change(breached ? Outbox.AlertFiring : Outbox.AlertResolved, data, null, null, breached);
    }

    /// <summary>What the rule watches, in words: "GET api.example.com/users/{id} 5xx", or "all traffic".</summary>
    static string Endpoint(Rule rule)
    {
        var parts = new[] { rule.Method, (rule.Domain ?? "") + (rule.PathnameTemplate ?? ""), rule.StatusClass }.Where(p => !string.IsNullOrEmpty(p)).ToList();
        return parts.Count == 0 ? "all traffic" : string.Join(' ', parts);
    }
}
