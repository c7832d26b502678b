using Arkyn.Infrastructure.Stats;

namespace Arkyn.Features.Stats.Get;

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
