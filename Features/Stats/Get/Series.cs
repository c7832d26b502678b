namespace Arkyn.Features.Stats.Get;

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
