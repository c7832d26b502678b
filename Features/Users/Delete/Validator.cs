namespace Arkyn.Features.Users.Delete;

public sealed class Validator : Validator<Request>
{
    public Validator() => RuleFor(r => r.UserId).Must(Ids.IsUuid).WithMessage("userId must be a UUID.");
}
