namespace Arkyn.Features.Stats.Get;

public sealed class Validator : Validator<Request>
{
    public static readonly Dictionary<string, TimeSpan> Intervals = new()
    {
        ["1m"] = TimeSpan.FromMinutes(1),
        ["5m"] = TimeSpan.FromMinutes(5),
        ["1h"] = TimeSpan.FromHours(1),
        ["1d"] = TimeSpan.FromDays(1),
    };

    public Validator()
    {
        Include(new TrafficFilterRules());
        RuleFor(r => r.Interval).Must(i => Intervals.ContainsKey(i!)).When(r => r.Interval is not null)
            .WithMessage("interval must be one of 1m, 5m, 1h, 1d.");
    }
}
