namespace Arkyn.Features.Pathnames.Create;

public sealed class Validator : Validator<Request>
{
    public Validator()
    {
        RuleFor(r => r.TrafficSourceId).Must(Ids.IsUuid).WithMessage("trafficSourceId must be a UUID.");
        RuleFor(r => r.DomainId).Must(Ids.IsUuid).WithMessage("domainId must be a UUID.");
        RuleFor(r => r.Value)
            .NotEmpty().WithMessage("value is required.")
            .Must(Traffic.IsPathname)
            .WithMessage($"value must start with '/', be at most {Traffic.MaxPathLength} characters, and have no query string, fragment, spaces or control characters.");
    }
}
