namespace Arkyn.Features.Pathnames.Delete;

public sealed class Validator : Validator<Request>
{
    public Validator() => RuleFor(r => r.PathnameId).Must(Ids.IsUuid).WithMessage("pathnameId must be a UUID.");
}
