using System.Globalization;

namespace Arkyn.Infrastructure.Records;

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
