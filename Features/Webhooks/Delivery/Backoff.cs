namespace Arkyn.Features.Webhooks.Delivery;

/// <summary>
/// The wait before retry n (1 = after the first failed attempt): about 5 s, 30 s, 2 min, 10 min, 30 min, 1 h, then
/// 1 h, for a first delay of 5 s; each with ±20% jitter so that receivers that come back are not hit all at once.
/// </summary>
public static class Backoff
{
    static readonly double[] Steps = [1, 6, 24, 120, 360, 720];

    public static TimeSpan Delay(int failedAttempts, TimeSpan first, double random)
    {
        var step = Steps[Math.Clamp(failedAttempts - 1, 0, Steps.Length - 1)];
        return first * step * (0.8 + 0.4 * random);
    }
}
