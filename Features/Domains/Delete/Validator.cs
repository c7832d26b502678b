namespace Arkyn.Features.Domains.Delete;

public sealed class Validator : Validator<Request>
{
    public Validator() => RuleFor(r => r.DomainId).Must(Ids.IsUuid).WithMessage("domainId must be a UUID.");
}
