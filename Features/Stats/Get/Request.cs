namespace Arkyn.Features.Stats.Get;

public sealed class Request : TrafficFilterRequest
{
    /// <summary>1m, 5m, 1h or 1d: adds a time series with one bucket per interval in the window, empty ones included.</summary>
    [QueryParam] public string? Interval { get; set; }

    public static readonly IReadOnlyDictionary<string, TimeSpan> Intervals = new Dictionary<string, TimeSpan>
    {
        ["1m"] = TimeSpan.FromMinutes(1),
        ["5m"] = TimeSpan.FromMinutes(5),
        ["1h"] = TimeSpan.FromHours(1),
        ["1d"] = TimeSpan.FromDays(1),
    };
}
