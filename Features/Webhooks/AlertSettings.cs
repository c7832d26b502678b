using System.Globalization;

namespace Arkyn.Features.Webhooks;

/// <summary>The Alerts:* keys, read and checked at start-up.</summary>
/// <param name="RetryDelay">The first retry's delay; later ones grow from it (5 s → 30 s, 2 min, 10 min, 30 min, 1 h, 1 h …).</param>
/// <param name="LevelDelay">
/// How old a record must be (by its createdAt) before level rules read it. Agents send records a little after they
/// happened (OpenTelemetry exporters batch every 5 s): a record that arrives later than this, dated before what a
/// rule has already read, is not alerted on.
/// </param>
public sealed record AlertSettings(
    bool AllowPrivateTargets, TimeSpan CoalesceWindow, TimeSpan EvaluateEvery, int MaxAttempts, int DisableAfterFailures, TimeSpan RetryDelay,
    TimeSpan LevelDelay)
{
    public static AlertSettings From(IConfiguration config) => new(
        Settings.Bool(config, "Alerts:AllowPrivateTargets", false),
        Span(config, "Alerts:CoalesceWindow", TimeSpan.FromMinutes(1)),
        Span(config, "Alerts:EvaluateEvery", TimeSpan.FromSeconds(15)),
        (int)Math.Min(Settings.PositiveLong(config, "Alerts:MaxAttempts", 12), 1000),
        (int)Math.Min(Settings.PositiveLong(config, "Alerts:DisableAfterFailures", 20), int.MaxValue),
        Span(config, "Alerts:RetryDelay", TimeSpan.FromSeconds(5)),
        Span(config, "Alerts:LevelDelay", TimeSpan.FromSeconds(10)));

    static TimeSpan Span(IConfiguration config, string key, TimeSpan fallback)
    {
        var text = config[key];
        if (text is null) return fallback;
        if (!TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var value) || value <= TimeSpan.Zero)
            throw new StartupException($"{key} '{text}' is not a positive time span such as 00:01:00.");
        return value;
    }
}
