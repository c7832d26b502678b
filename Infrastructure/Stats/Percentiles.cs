namespace Arkyn.Infrastructure.Stats;

/// <summary>
/// Computed here rather than in SQL so both engines give the same numbers (SQLite has no percentile function).
/// Linear interpolation between closest ranks, as PostgreSQL's percentile_cont.
/// </summary>
public static class Percentiles
{
    public static double Continuous(IReadOnlyList<double> sorted, double fraction)
    {
        if (sorted.Count == 0) return 0;
        var rank = fraction * (sorted.Count - 1);
        var low = (int)Math.Floor(rank);
        var high = (int)Math.Ceiling(rank);
        return Round(sorted[low] + (rank - low) * (sorted[high] - sorted[low]));
    }

    public static double Round(double value) => Math.Round(value, 3, MidpointRounding.AwayFromZero);
}
