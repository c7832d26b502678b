using System.Globalization;

namespace Arkyn.Features.Retention;

/// <summary>Retention:Days, the days of traffic a source without its own retentionDays keeps; Retention:SweepEvery, how often expired traffic is deleted.</summary>
public sealed record RetentionSettings(int Days, TimeSpan SweepEvery)
{
    public static RetentionSettings From(IConfiguration config)
    {
        var days = Settings.PositiveLong(config, "Retention:Days", 30);
        if (days > 3650) throw new StartupException($"Retention:Days '{days}' is more than 3650.");
        var everyText = config["Retention:SweepEvery"] ?? "01:00:00";
        if (!TimeSpan.TryParse(everyText, CultureInfo.InvariantCulture, out var every) || every <= TimeSpan.Zero)
            throw new StartupException($"Retention:SweepEvery '{everyText}' is not a positive time span such as 01:00:00.");
        return new RetentionSettings((int)days, every);
    }
}
