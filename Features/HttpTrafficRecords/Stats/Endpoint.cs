using Arkyn.Infrastructure;
using Arkyn.Infrastructure.Auth;
using Arkyn.Infrastructure.Database;
using Arkyn.Infrastructure.Http;
using FastEndpoints;
using LinqToDB;
using LinqToDB.Async;

namespace Arkyn.Features.HttpTrafficRecords.Stats;

public sealed class Endpoint(Db db, Timestamps time) : Endpoint<Request, Response>
{
    const int MaxBuckets = 10_000;

    public override void Configure()
    {
        Get("/http-traffic-stats/{trafficSourceId}");
        Description(b => b.Problems(400, 401, 403, 404));
        Summary(s =>
        {
            s.Summary = "Per-endpoint counts, error rates and latency percentiles for a time window (default the last 24 h), with the same filters as the record list.";
            s.Description = "errorCount counts 4xx, fatalCount 5xx, errorRate = (errorCount + fatalCount) / count. Percentiles of elapsedTime interpolate linearly between closest ranks (percentile_cont). With interval=1m|5m|1h|1d a series gives one bucket per interval, empty ones included.";
        });
    }

    public override async Task HandleAsync(Request r, CancellationToken ct)
    {
        var sourceId = Ids.Normalize(r.TrafficSourceId);
        await db.RequireOwnedSourceAsync(sourceId, User.UserId(), ct);
        var end = TrafficFilterRequest.Date(r.EndDate) ?? time.Now();
        var start = TrafficFilterRequest.Date(r.StartDate) ?? end - (long)TimeSpan.FromDays(1).TotalMilliseconds;
        if (start >= end) ThrowError(x => x.StartDate!, "startDate must be before endDate.");

        Series? series = null;
        if (r.Interval is not null)
        {
            var step = (long)Stats.Validator.Intervals[r.Interval].TotalMilliseconds;
            var first = start - Modulo(start, step);
            if ((end - first + step - 1) / step > MaxBuckets)
                ThrowError(x => x.Interval!, $"That window holds more than {MaxBuckets} buckets of {r.Interval}; choose a longer interval or a shorter window.");
            series = new Series(first, step, (int)((end - first + step - 1) / step));
        }

        var domains = await db.Domains.Where(d => d.TrafficSourceId == sourceId).ToDictionaryAsync(d => d.Id, d => d.Value, ct);
        var templates = await db.Pathnames.Where(p => p.TrafficSourceId == sourceId).ToDictionaryAsync(p => p.Id, p => p.Template, ct);
        var endpoints = new Dictionary<(string Domain, string Method, string Template), Tally>();

        var rows = r.Apply(db, sourceId)
            .Where(t => t.CreatedAt >= start && t.CreatedAt < end)
            .Select(t => new { t.DomainId, t.PathnameId, t.Method, t.Status, t.ElapsedTime, t.CreatedAt });
        await foreach (var row in rows.AsAsyncEnumerable().WithCancellation(ct))
        {
            var key = (domains[row.DomainId], row.Method, templates[row.PathnameId]);
            if (!endpoints.TryGetValue(key, out var tally)) endpoints[key] = tally = new Tally();
            tally.Add(row.Status, row.ElapsedTime);
            series?.Add(row.CreatedAt, row.Status, row.ElapsedTime);
        }

        var stats = endpoints
            .Select(e => e.Value.ToEndpoint(e.Key.Domain, e.Key.Method, e.Key.Template))
            .OrderByDescending(e => e.Count).ThenBy(e => e.Domain, StringComparer.Ordinal)
            .ThenBy(e => e.PathnameTemplate, StringComparer.Ordinal).ThenBy(e => e.Method, StringComparer.Ordinal)
            .ToList();
        await Send.OkAsync(new Response(time.Format(start), time.Format(end), stats, series?.ToBuckets(time)), ct);
    }

    static long Modulo(long value, long step) => ((value % step) + step) % step;

    sealed class Tally
    {
        readonly List<double> elapsed = [];
        int errors, fatals;

        public int Count => elapsed.Count;

        public void Add(int status, double elapsedTime)
        {
            elapsed.Add(elapsedTime);
            if (status >= 500) fatals++;
            else if (status >= 400) errors++;
        }

        List<double> Sorted()
        {
            elapsed.Sort();
            return elapsed;
        }

        public EndpointStats ToEndpoint(string domain, string method, string template)
        {
            var sorted = Sorted();
            return new EndpointStats(domain, method, template, Count, errors, fatals,
                Math.Round((double)(errors + fatals) / Count, 4, MidpointRounding.AwayFromZero),
                Percentiles.Continuous(sorted, 0.50), Percentiles.Continuous(sorted, 0.95), Percentiles.Continuous(sorted, 0.99),
                Percentiles.Round(sorted[^1]));
        }

        public Bucket ToBucket(string start) =>
            new(start, Count, errors, fatals, Count == 0 ? null : Percentiles.Continuous(Sorted(), 0.95));
    }

    sealed class Series(long first, long step, int buckets)
    {
        readonly Tally[] tallies = Enumerable.Range(0, buckets).Select(_ => new Tally()).ToArray();

        public void Add(long createdAt, int status, double elapsedTime) => tallies[(int)((createdAt - first) / step)].Add(status, elapsedTime);

        public List<Bucket> ToBuckets(Timestamps time) =>
            tallies.Select((t, i) => t.ToBucket(time.Format(first + i * step))).ToList();
    }
}
