namespace Arkyn.Features.Stats.Get;

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
