namespace Arkyn.Infrastructure.Records;

public sealed class RecordRules : AbstractValidator<RecordInput>
{
    public RecordRules()
    {
        RuleFor(r => r.Id).Must(Ids.IsUuid).When(r => r.Id is not null).WithMessage("id must be a UUID.");
        RuleFor(r => r.Timestamp).Must(t => RecordInput.ParseTimestamp(t) is not null).When(r => r.Timestamp is not null)
            .WithMessage("timestamp must be an ISO 8601 date and time, e.g. 2026-11-26T07:15:00Z.");
        RuleFor(r => r.DomainUrl)
            .NotEmpty().WithMessage("domainUrl is required.")
            .Must(u => RecordInput.ParseDomainUrl(u) is not null).When(r => !string.IsNullOrEmpty(r.DomainUrl), ApplyConditionTo.CurrentValidator)
            .WithMessage("domainUrl must be an absolute http(s) URL without path or query, e.g. https://api.example.com.");
        RuleFor(r => r.PathnameUrl)
            .NotEmpty().WithMessage("pathnameUrl is required.")
            .Must(Traffic.IsPathname).When(r => !string.IsNullOrEmpty(r.PathnameUrl), ApplyConditionTo.CurrentValidator)
            .WithMessage($"pathnameUrl must start with '/', be at most {Traffic.MaxPathLength} characters, and have no query string, fragment or spaces.");
        RuleFor(r => r.Protocol).Must(Traffic.IsProtocol).When(r => r.Protocol is not null).WithMessage("protocol must be HTTP or HTTPS.");
        RuleFor(r => r.Method)
            .NotEmpty().WithMessage("method is required.")
            .Must(Traffic.IsMethod).WithMessage($"method must be one of {string.Join(", ", Traffic.Methods)}.");
        RuleFor(r => r.Status)
            .NotNull().WithMessage("status is required.")
            .InclusiveBetween(100, 599).WithMessage("status must be an HTTP status code from 100 to 599.");
        RuleFor(r => r.ElapsedTime)
            .NotNull().WithMessage("elapsedTime is required.")
            .Must(e => e is null || double.IsFinite(e.Value) && e >= 0).WithMessage("elapsedTime must be a non-negative number of milliseconds.");
        RuleFor(r => r.TrafficUserId).MaximumLength(Traffic.MaxTrafficUserIdLength)
            .WithMessage($"trafficUserId must be at most {Traffic.MaxTrafficUserIdLength} characters.");
        RuleFor(r => r.RequestHeaders).RequiredObject("requestHeaders");
        RuleFor(r => r.QueryParams).RequiredObject("queryParams");
        RuleFor(r => r.ResponseHeaders).RequiredObject("responseHeaders");
        RuleFor(r => r.RequestHeaders).Must(Payloads.IsWithinDepth).WithMessage(Payloads.DepthMessage("requestHeaders"));
        RuleFor(r => r.RequestBody).Must(Payloads.IsWithinDepth).WithMessage(Payloads.DepthMessage("requestBody"));
        RuleFor(r => r.QueryParams).Must(Payloads.IsWithinDepth).WithMessage(Payloads.DepthMessage("queryParams"));
        RuleFor(r => r.ResponseHeaders).Must(Payloads.IsWithinDepth).WithMessage(Payloads.DepthMessage("responseHeaders"));
        RuleFor(r => r.ResponseBody).Must(Payloads.IsWithinDepth).WithMessage(Payloads.DepthMessage("responseBody"));
    }
}
