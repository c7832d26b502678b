namespace Arkyn.Features.HttpTraffic.Create;

public sealed class Validator : Validator<Request>
{
    public Validator()
    {
        RuleFor(r => r.TrafficSourceId).Must(Ids.IsUuid).WithMessage("trafficSourceId must be a UUID.");
        RuleFor(r => r.Status)
            .NotNull().WithMessage("status is required.")
            .InclusiveBetween(100, 599).WithMessage("status must be an HTTP status code from 100 to 599.");
        RuleFor(r => r.Method)
            .NotEmpty().WithMessage("method is required.")
            .Must(Traffic.IsMethod).WithMessage($"method must be one of {string.Join(", ", Traffic.Methods)}.");
        RuleFor(r => r.ElapsedTime)
            .NotNull().WithMessage("elapsedTime is required.")
            .Must(e => e is null || double.IsFinite(e.Value) && e >= 0).WithMessage("elapsedTime must be a non-negative number of milliseconds.");
        RuleFor(r => r.TrafficUserId)
            .MaximumLength(Traffic.MaxTrafficUserIdLength).WithMessage($"trafficUserId must be at most {Traffic.MaxTrafficUserIdLength} characters.");
        RuleFor(r => r.DomainId).RequiredUuid("domainId");
        RuleFor(r => r.PathnameId).RequiredUuid("pathnameId");
        RuleFor(r => r.RequestId).RequiredUuid("requestId");
        RuleFor(r => r.ResponseId).RequiredUuid("responseId");
    }
}
