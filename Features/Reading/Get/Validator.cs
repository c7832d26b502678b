namespace Arkyn.Features.Reading.Get;

public sealed class Validator : Validator<Request>
{
    public Validator()
    {
        RuleFor(r => r.TrafficSourceId).Must(Ids.IsUuid).WithMessage("trafficSourceId must be a UUID.");
        RuleFor(r => r.HttpTrafficId).Must(Ids.IsUuid).WithMessage("httpTrafficId must be a UUID.");
    }
}
