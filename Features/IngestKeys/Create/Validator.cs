namespace Arkyn.Features.IngestKeys.Create;

public sealed class Validator : Validator<Request>
{
    public Validator()
    {
        RuleFor(r => r.TrafficSourceId).Must(Ids.IsUuid).WithMessage("trafficSourceId must be a UUID.");
        RuleFor(r => r.Name)
            .NotNull().WithMessage("name is required.")
            .Must(n => n is null || !string.IsNullOrWhiteSpace(n)).WithMessage("name must not be empty.")
            .MaximumLength(100).WithMessage("name must be at most 100 characters.");
    }
}
