using Arkyn.Infrastructure;
using FastEndpoints;
using FluentValidation;

namespace Arkyn.Features.Pathnames.Create;

public sealed class Validator : Validator<Request>
{
    public const int MaxLength = 2048;

    public Validator()
    {
        RuleFor(r => r.TrafficSourceId).Must(Ids.IsUuid).WithMessage("trafficSourceId must be a UUID.");
        RuleFor(r => r.DomainId).Must(Ids.IsUuid).WithMessage("domainId must be a UUID.");
        RuleFor(r => r.Value)
            .NotEmpty().WithMessage("value is required.")
            .MaximumLength(MaxLength).WithMessage($"value must be at most {MaxLength} characters.")
            .Must(IsPath).WithMessage("value must start with '/' and have no query string, fragment, spaces or control characters.");
    }

    static bool IsPath(string? value) =>
        value is null || value.StartsWith('/') && !value.Any(c => c is '?' or '#' || char.IsWhiteSpace(c) || char.IsControl(c));
}
