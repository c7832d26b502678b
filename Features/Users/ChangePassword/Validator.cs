using Rules = Arkyn.Features.Users.Create.Validator;

namespace Arkyn.Features.Users.ChangePassword;

public sealed class Validator : Validator<Request>
{
    public Validator()
    {
        RuleFor(r => r.UserId).Must(Ids.IsUuid).WithMessage("userId must be a UUID.");
        RuleFor(r => r.CurrentPassword).NotEmpty().WithMessage("currentPassword is required.");
        RuleFor(r => r.NewPassword)
            .NotEmpty().WithMessage("newPassword is required.")
            .MinimumLength(Rules.MinPasswordLength).WithMessage($"newPassword must be at least {Rules.MinPasswordLength} characters.")
            .MaximumLength(Rules.MaxPasswordLength).WithMessage($"newPassword must be at most {Rules.MaxPasswordLength} characters.");
    }
}
