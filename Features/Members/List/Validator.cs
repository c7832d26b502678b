namespace Arkyn.Features.Members.List;

public sealed class Validator : Validator<Request>
{
    public Validator()
    {
        RuleFor(r => r.TrafficSourceId).Must(Ids.IsUuid).WithMessage("trafficSourceId must be a UUID.");
        Include(new PagingRules());
    }
}
