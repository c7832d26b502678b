using System.Globalization;

namespace Arkyn.Infrastructure.Records;

public sealed class TrafficFilterRules : AbstractValidator<TrafficFilterRequest>
{
    public TrafficFilterRules()
    {
        RuleFor(r => r.TrafficSourceId).Must(Ids.IsUuid).WithMessage("trafficSourceId must be a UUID.");
        RuleFor(r => r.Method).Must(Traffic.IsMethod).When(r => r.Method is not null)
            .WithMessage($"method must be one of {string.Join(", ", Traffic.Methods)}.");
        RuleFor(r => r.Status).Must(s => int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 100 and <= 599)
            .When(r => r.Status is not null).WithMessage("status must be an HTTP status code from 100 to 599.");
        RuleFor(r => r.StatusClass).Must(c => TrafficFilterRequest.StatusClasses.Contains(c?.ToLowerInvariant()))
            .When(r => r.StatusClass is not null).WithMessage("statusClass must be one of 1xx, 2xx, 3xx, 4xx, 5xx.");
        RuleFor(r => r.Level).Must(l => TrafficFilterRequest.Levels.Contains(l?.Trim().ToUpperInvariant()))
            .When(r => r.Level is not null).WithMessage("level must be one of INFO, WARNING, FATAL.");
        RuleFor(r => r.Domain).Must(d => Traffic.NormalizeHost(d!) is not null).When(r => r.Domain is not null)
            .WithMessage("domain must be a host with an optional :port, e.g. api.example.com.");
        RuleFor(r => r.Pathname).Must(Traffic.IsPathname).When(r => r.Pathname is not null).WithMessage("pathname must start with '/'.");
        RuleFor(r => r.PathnameTemplate).Must(p => p!.StartsWith('/')).When(r => r.PathnameTemplate is not null)
            .WithMessage("pathnameTemplate must start with '/'.");
        RuleFor(r => r.MinElapsed).Must(v => TrafficFilterRequest.Number(v) is not null).When(r => r.MinElapsed is not null)
            .WithMessage("minElapsed must be a non-negative number of milliseconds.");
        RuleFor(r => r.MaxElapsed).Must(v => TrafficFilterRequest.Number(v) is not null).When(r => r.MaxElapsed is not null)
            .WithMessage("maxElapsed must be a non-negative number of milliseconds.");
        RuleFor(r => r.StartDate).Must(v => TrafficFilterRequest.Date(v) is not null).When(r => r.StartDate is not null)
            .WithMessage("startDate must be an ISO 8601 date and time.");
        RuleFor(r => r.EndDate).Must(v => TrafficFilterRequest.Date(v) is not null).When(r => r.EndDate is not null)
            .WithMessage("endDate must be an ISO 8601 date and time.");
        RuleFor(r => r.EndDate).Must((r, end) => TrafficFilterRequest.Date(end) > TrafficFilterRequest.Date(r.StartDate))
            .When(r => TrafficFilterRequest.Date(r.StartDate) is not null && TrafficFilterRequest.Date(r.EndDate) is not null)
            .WithMessage("endDate must be after startDate.");
    }
}
