namespace Arkyn.Features.Webhooks.Rules;

/// <summary>
/// Whether a window's percentile (as <see cref="Infrastructure.Stats.Percentiles.Continuous"/> computes it, rounded to
/// 0.001) is at least a threshold, told from two counts when they suffice: how many values lie clearly under the
/// threshold, and how many under or near it. The percentile interpolates between the values at two ranks; when both
/// are clearly under, or both clearly over, the answer is certain without reading a single value.
/// </summary>
public static class PercentileVersusThreshold
{
    /// <summary>Wider than the rounding: a value within it of the threshold could round either way.</summary>
    public const double Margin = 0.001;

    /// <returns>True or false when certain; null when only the values themselves can tell.</returns>
    public static bool? From(int count, int clearlyUnder, int underOrNear, double fraction)
    {
        if (count == 0) return null;
        var rank = fraction * (count - 1);
        if ((int)Math.Ceiling(rank) < clearlyUnder) return false;
        if ((int)Math.Floor(rank) >= underOrNear) return true;
        return null;
    }
}
