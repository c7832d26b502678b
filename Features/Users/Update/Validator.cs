namespace Arkyn.Features.Users.Update;

public sealed class Validator : Validator<Request>
{
    public Validator()
    {
        RuleFor(r => r.UserId).Must(Ids.IsUuid).WithMessage("userId must be a UUID.");
        RuleFor(r => r.Name).ValidName().When(r => r.Name is not null);
        RuleFor(r => r.Utc).ValidUtc();
    }
}
