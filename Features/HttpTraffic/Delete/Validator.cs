namespace Arkyn.Features.HttpTraffic.Delete;

public sealed class Validator : Validator<Request>
{
    public Validator() => RuleFor(r => r.HttpTrafficId).Must(Ids.IsUuid).WithMessage("httpTrafficId must be a UUID.");
}
