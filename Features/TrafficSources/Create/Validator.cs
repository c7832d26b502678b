namespace Arkyn.Features.TrafficSources.Create;

public sealed class Validator : Validator<Request>
{
    public Validator()
    {
        RuleFor(r => r.Name).NotNull().WithMessage("name is required.").ValidSourceName();
        RuleFor(r => r.TrafficDomain).NotNull().WithMessage("trafficDomain is required.").ValidTrafficDomain();
        RuleFor(r => r.RetentionDays).ValidRetentionDays();
    }
}
