namespace Arkyn.Features.Stats.Get;

public sealed class Validator : Validator<Request>
{
    public Validator()
    {
        Include(new TrafficFilterRules());
        RuleFor(r => r.Interval).Must(i => Request.Intervals.ContainsKey(i!)).When(r => r.Interval is not null)
            .WithMessage("interval must be one of 1m, 5m, 1h, 1d.");
    }
}
