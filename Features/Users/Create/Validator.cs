namespace Arkyn.Features.Users.Create;

public sealed class Validator : Validator<Request>
{
    public const int MinPasswordLength = 8;
    public const int MaxPasswordLength = 1024;

    public Validator()
    {
        RuleFor(r => r.Name).NotNull().WithMessage("name is required.").ValidName();
        RuleFor(r => r.Email)
            .NotEmpty().WithMessage("email is required.")
            .MaximumLength(254).WithMessage("email must be at most 254 characters.")
            .EmailAddress().WithMessage("email is not a valid email address.");
        RuleFor(r => r.Password)
            .NotEmpty().WithMessage("password is required.")
            .MinimumLength(MinPasswordLength).WithMessage($"password must be at least {MinPasswordLength} characters.")
            .MaximumLength(MaxPasswordLength).WithMessage($"password must be at most {MaxPasswordLength} characters.");
        RuleFor(r => r.Utc).ValidUtc();
    }
}
