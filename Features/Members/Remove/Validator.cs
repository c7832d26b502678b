namespace Arkyn.Features.Members.Remove;

public sealed class Validator : Validator<Request>
{
    public Validator()
    {
        RuleFor(r => r.TrafficSourceId).Must(Ids.IsUuid).WithMessage("trafficSourceId must be a UUID.");
        RuleFor(r => r.UserId).Must(Ids.IsUuid).WithMessage("userId must be a UUID.");
    }
}
