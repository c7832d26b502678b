using FastEndpoints;

namespace Arkyn.Features.TrafficSources.Create;

public sealed class Validator : Validator<Request>
{
    public Validator()
    {
        RuleFor(r => r.Name).ValidSourceName();
        RuleFor(r => r.TrafficDomain).ValidTrafficDomain();
        RuleFor(r => r.RetentionDays).ValidRetentionDays();
    }
}
