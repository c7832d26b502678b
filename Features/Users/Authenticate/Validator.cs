namespace Arkyn.Features.Users.Authenticate;

public sealed class Validator : Validator<Request>
{
    public Validator()
    {
        RuleFor(r => r.Email).NotEmpty().WithMessage("email is required.");
        RuleFor(r => r.Password).NotEmpty().WithMessage("password is required.");
    }
}
