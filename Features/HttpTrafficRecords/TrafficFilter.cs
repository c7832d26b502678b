using System.Globalization;
using Arkyn.Infrastructure;
using Arkyn.Infrastructure.Database;
using FastEndpoints;
using FluentValidation;

namespace Arkyn.Features.HttpTrafficRecords;

/// <summary>The filters of the reading routes, all optional and combined with AND. Values stay strings so a bad one is a 400 naming it.</summary>
public abstract class TrafficFilterRequest
{
    public string TrafficSourceId { get; set; } = "";
    /// <summary>GET, POST, … (any case).</summary>
    [QueryParam] public string? Method { get; set; }
    /// <summary>Exact status code.</summary>
    [QueryParam] public string? Status { get; set; }
    /// <summary>1xx, 2xx, 3xx, 4xx or 5xx.</summary>
    [QueryParam] public string? StatusClass { get; set; }
    /// <summary>INFO, WARNING or FATAL.</summary>
    [QueryParam] public string? Level { get; set; }
    /// <summary>Domain value, e.g. api.example.com.</summary>
    [QueryParam] public string? Domain { get; set; }
    /// <summary>Exact pathname, e.g. /users/42.</summary>
    [QueryParam] public string? Pathname { get; set; }
    /// <summary>Pathname template, e.g. /users/{id}.</summary>
    [QueryParam] public string? PathnameTemplate { get; set; }
    [QueryParam] public string? TrafficUserId { get; set; }
    /// <summary>Minimum elapsedTime in ms, inclusive.</summary>
    [QueryParam] public string? MinElapsed { get; set; }
    /// <summary>Maximum elapsedTime in ms, inclusive.</summary>
    [QueryParam] public string? MaxElapsed { get; set; }
    /// <summary>ISO 8601, inclusive.</summary>
    [QueryParam] public string? StartDate { get; set; }
    /// <summary>ISO 8601, exclusive.</summary>
    [QueryParam] public string? EndDate { get; set; }

    public static readonly string[] Levels = ["INFO", "WARNING", "FATAL"];
    public static readonly string[] StatusClasses = ["1xx", "2xx", "3xx", "4xx", "5xx"];

    public static double? Number(string? value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && double.IsFinite(n) && n >= 0 ? n : null;

    public static long? Date(string? value) => RecordInput.ParseTimestamp(value)?.ToUnixTimeMilliseconds();

    /// <summary>The traffic of the source that passes every given filter.</summary>
    public IQueryable<HttpTrafficRow> Apply(Db db, string sourceId)
    {
        var q = db.HttpTraffic.Where(t => t.TrafficSourceId == sourceId);
        if (Method is not null) { var m = Method.Trim().ToUpperInvariant(); q = q.Where(t => t.Method == m); }
        if (Status is not null) { var s = int.Parse(Status, CultureInfo.InvariantCulture); q = q.Where(t => t.Status == s); }
        if (StatusClass is not null)
        {
            var low = (StatusClass[0] - '0') * 100;
            var high = low + 100;
            q = q.Where(t => t.Status >= low && t.Status < high);
        }
        if (Level is not null) { var l = Level.Trim().ToUpperInvariant(); q = q.Where(t => t.Level == l); }
        if (Domain is not null)
        {
            var d = Traffic.NormalizeHost(Domain);
            q = q.Where(t => db.Domains.Any(x => x.Id == t.DomainId && x.TrafficSourceId == sourceId && x.Value == d));
        }
        if (Pathname is not null) q = q.Where(t => db.Pathnames.Any(p => p.Id == t.PathnameId && p.TrafficSourceId == sourceId && p.Value == Pathname));
        if (PathnameTemplate is not null) q = q.Where(t => db.Pathnames.Any(p => p.Id == t.PathnameId && p.TrafficSourceId == sourceId && p.Template == PathnameTemplate));
        if (TrafficUserId is not null) q = q.Where(t => t.TrafficUserId == TrafficUserId);
        if (Number(MinElapsed) is { } min) q = q.Where(t => t.ElapsedTime >= min);
        if (Number(MaxElapsed) is { } max) q = q.Where(t => t.ElapsedTime <= max);
        if (Date(StartDate) is { } start) q = q.Where(t => t.CreatedAt >= start);
        if (Date(EndDate) is { } end) q = q.Where(t => t.CreatedAt < end);
        return q;
    }
}

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
