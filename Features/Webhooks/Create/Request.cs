namespace Arkyn.Features.Webhooks.Create;

public sealed class Request
{
    public string TrafficSourceId { get; set; } = "";
    public string? Name { get; set; }
    /// <summary>http or https URL; internal addresses are refused unless Alerts:AllowPrivateTargets is true.</summary>
    public string? Url { get; set; }
    /// <summary>json (default), discord or slack.</summary>
    public string? Format { get; set; }
    /// <summary>{ "kind": "level", "levels": ["FATAL"] }, { "kind": "errorRate", "threshold", "window", "minCount" } or { "kind": "latency", "percentile", "thresholdMs", "window", "minCount" }, with the optional filters method, domain, pathnameTemplate, statusClass.</summary>
    public RuleInput? Rule { get; set; }
    /// <summary>Default true.</summary>
    public bool? Enabled { get; set; }
}
