namespace Arkyn.Features.Pathnames.List;

public sealed class Validator : Validator<Request>
{
    public Validator()
    {
        RuleFor(r => r.TrafficSourceId).Must(Ids.IsUuid).WithMessage("trafficSourceId must be a UUID.");
        RuleFor(r => r.DomainId).Must(Ids.IsUuid).WithMessage("domainId must be a UUID.");
        Include(new PagingRules());
    }
}
