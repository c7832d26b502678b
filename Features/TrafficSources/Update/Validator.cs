namespace Arkyn.Features.TrafficSources.Update;

public sealed class Validator : Validator<Request>
{
    public Validator()
    {
        RuleFor(r => r.TrafficSourceId).Must(Ids.IsUuid).WithMessage("trafficSourceId must be a UUID.");
        RuleFor(r => r.Name).ValidSourceName().When(r => r.Name is not null);
        RuleFor(r => r.TrafficDomain).ValidTrafficDomain().When(r => r.TrafficDomain is not null);
        RuleFor(r => r.RetentionDays).ValidRetentionDays();
    }
}
