using Arkyn.Infrastructure.Database;

namespace Arkyn.Features.HttpTrafficRecords.Stats;

/// <summary>Count, errors and every elapsed time of one endpoint or one bucket: percentiles are exact.</summary>
public sealed class Tally
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

    /// <summary>A group counted elsewhere (by PostgreSQL): its error counts and every elapsed time.</summary>
    public void Add(int errors, int fatals, double[] elapsedTimes)
    {
        elapsed.AddRange(elapsedTimes);
        this.errors += errors;
        this.fatals += fatals;
    }

    public void Add(Tally other)
    {
        elapsed.AddRange(other.elapsed);
        errors += other.errors;
        fatals += other.fatals;
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

/// <summary>
/// The rows of a window, tallied per pathname id and method as they stream in (the ids arrive as spans, so a
/// million rows allocate no strings), and per time bucket when a series was asked for.
/// </summary>
public sealed class WindowTallies(Series? series) : IWindowTallies
{
    public Series? Series => series;

    public (long First, long Step)? Buckets => series is null ? null : (series.First, series.Step);

    public void AddBucket(int bucket, int errors, int fatals, double[] elapsedTimes) => series!.Add(bucket, errors, fatals, elapsedTimes);

    readonly Dictionary<string, int> pathnames = [];
    readonly Dictionary<string, int> methods = [];
    readonly Dictionary<(int Pathname, int Method), Tally> tallies = [];

    public void Add(ReadOnlySpan<char> pathnameId, ReadOnlySpan<char> method, int status, double elapsedTime, long createdAt)
    {
        TallyOf(pathnameId, method).Add(status, elapsedTime);
        series?.Add(createdAt, status, elapsedTime);
    }

    /// <summary>A (pathname id, method) group counted by the database.</summary>
    public void Add(string pathnameId, string method, int errors, int fatals, double[] elapsedTimes) =>
        TallyOf(pathnameId, method).Add(errors, fatals, elapsedTimes);

    Tally TallyOf(ReadOnlySpan<char> pathnameId, ReadOnlySpan<char> method)
    {
        var key = (IndexOf(pathnames, pathnameId), IndexOf(methods, method));
        if (!tallies.TryGetValue(key, out var tally)) tallies[key] = tally = new Tally();
        return tally;
    }

    static int IndexOf(Dictionary<string, int> known, ReadOnlySpan<char> value)
    {
        var lookup = known.GetAlternateLookup<ReadOnlySpan<char>>();
        if (lookup.TryGetValue(value, out var index)) return index;
        index = known.Count;
        known[value.ToString()] = index;
        return index;
    }

    /// <summary>The tallies of every (pathname id, method) seen.</summary>
    public IEnumerable<(string PathnameId, string Method, Tally Tally)> ByPathname()
    {
        var pathnameIds = pathnames.OrderBy(p => p.Value).Select(p => p.Key).ToArray();
        var methodNames = methods.OrderBy(m => m.Value).Select(m => m.Key).ToArray();
        return tallies.Select(t => (pathnameIds[t.Key.Pathname], methodNames[t.Key.Method], t.Value));
    }
}

public sealed class Series(long first, long step, int buckets)
{
    readonly Tally[] tallies = Enumerable.Range(0, buckets).Select(_ => new Tally()).ToArray();

    public long First => first;
    public long Step => step;

    /// <summary>A bucket counted by the database.</summary>
    public void Add(int bucket, int errors, int fatals, double[] elapsedTimes) => tallies[bucket].Add(errors, fatals, elapsedTimes);

    public void Add(long createdAt, int status, double elapsedTime) => tallies[(int)((createdAt - first) / step)].Add(status, elapsedTime);

    public void Add(Series other)
    {
        for (var i = 0; i < tallies.Length; i++) tallies[i].Add(other.tallies[i]);
    }

    /// <summary>The same buckets, empty: for one slice of the window.</summary>
    public Series Empty() => new(first, step, buckets);

    public List<Bucket> ToBuckets(Infrastructure.Timestamps time) =>
        tallies.Select((t, i) => t.ToBucket(time.Format(first + i * step))).ToList();
}
