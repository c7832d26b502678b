namespace Arkyn.Features.Members.Add;

public sealed class Validator : Validator<Request>
{
    public Validator()
    {
        RuleFor(r => r.TrafficSourceId).Must(Ids.IsUuid).WithMessage("trafficSourceId must be a UUID.");
        RuleFor(r => r.Email).Must(e => !string.IsNullOrWhiteSpace(e)).WithMessage("email is required.")
            .MaximumLength(254).WithMessage("email must be at most 254 characters.");
        RuleFor(r => r.Role).Must(r => string.Equals(r?.Trim(), MemberRow.ReadOnly, StringComparison.OrdinalIgnoreCase))
            .WithMessage($"role must be {MemberRow.ReadOnly}.");
    }
}
