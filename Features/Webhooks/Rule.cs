using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Arkyn.Features.Webhooks;

/// <summary>A rule as sent: every field optional, so each missing or wrong one is a 400 naming it (rule.threshold …).</summary>
public sealed class RuleInput
{
    public string? Kind { get; set; }
    public string[]? Levels { get; set; }
    public double? Threshold { get; set; }
    public string? Window { get; set; }
    public int? MinCount { get; set; }
    public double? Percentile { get; set; }
    public double? ThresholdMs { get; set; }
    public string? Method { get; set; }
    public string? Domain { get; set; }
    public string? PathnameTemplate { get; set; }
    public string? StatusClass { get; set; }
}

/// <summary>
/// A checked, normalised rule: <c>level</c> (records of some levels), <c>errorRate</c> or <c>latency</c> (over a
/// sliding window), each with the list filters method, domain, pathnameTemplate and statusClass.
/// </summary>
public sealed record Rule(
    string Kind, string[]? Levels, double? Threshold, string? Window, int? MinCount, double? Percentile, double? ThresholdMs,
    string? Method, string? Domain, string? PathnameTemplate, string? StatusClass)
{
    public const string Level = "level", ErrorRate = "errorRate", Latency = "latency";
    public static readonly string[] Kinds = [Level, ErrorRate, Latency];

    public static readonly IReadOnlyDictionary<string, TimeSpan> Windows = new Dictionary<string, TimeSpan>
    {
        ["1m"] = TimeSpan.FromMinutes(1), ["5m"] = TimeSpan.FromMinutes(5), ["15m"] = TimeSpan.FromMinutes(15), ["1h"] = TimeSpan.FromHours(1),
    };

    public const int MaxMinCount = 1_000_000;

    static readonly JsonSerializerOptions Stored = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    [JsonIgnore] public TimeSpan WindowSpan => Windows[Window!];

    public string ToStored() => JsonSerializer.Serialize(this, Stored);

    public static Rule FromStored(string json) => JsonSerializer.Deserialize<Rule>(json, Stored)!;

    /// <summary>What the API shows: the fields of the rule's kind, and the four filters (null when not set).</summary>
    public JsonObject ToJson()
    {
        var o = new JsonObject { ["kind"] = Kind };
        switch (Kind)
        {
            case Level:
                o["levels"] = new JsonArray(Levels!.Select(l => (JsonNode?)l).ToArray());
                break;
            case ErrorRate:
                o["threshold"] = Threshold; o["window"] = Window; o["minCount"] = MinCount;
                break;
            default:
                o["percentile"] = Percentile; o["thresholdMs"] = ThresholdMs; o["window"] = Window; o["minCount"] = MinCount;
                break;
        }
        o["method"] = Method; o["domain"] = Domain; o["pathnameTemplate"] = PathnameTemplate; o["statusClass"] = StatusClass;
        return o;
    }

    /// <summary>The problems of a rule as sent, each as (field, message); none means <see cref="From"/> accepts it.</summary>
    public static List<(string Field, string Message)> Problems(RuleInput? r)
    {
        var problems = new List<(string, string)>();
        if (r is null) return [("rule", "rule is required: an object with kind level, errorRate or latency.")];
        if (!Kinds.Contains(r.Kind)) return [("rule.kind", "rule.kind must be one of level, errorRate, latency.")];

        void Refuse(string field, string message) => problems.Add(($"rule.{field}", message));
        void NotOf(string field, object? value) { if (value is not null) Refuse(field, $"rule.{field} is not a field of a {r.Kind} rule."); }

        if (r.Kind == Level)
        {
            if (r.Levels is not { Length: > 0 })
                Refuse("levels", "rule.levels must list at least one of INFO, WARNING, FATAL.");
            else if (r.Levels.Any(l => !TrafficFilterRequest.Levels.Contains(l?.Trim().ToUpperInvariant())))
                Refuse("levels", "rule.levels may hold only INFO, WARNING, FATAL.");
            NotOf("threshold", r.Threshold); NotOf("window", r.Window); NotOf("minCount", r.MinCount);
            NotOf("percentile", r.Percentile); NotOf("thresholdMs", r.ThresholdMs);
        }
        else
        {
            NotOf("levels", r.Levels);
            if (r.Window is null || !Windows.ContainsKey(r.Window)) Refuse("window", "rule.window must be one of 1m, 5m, 15m, 1h.");
            if (r.MinCount is { } min && (min < 1 || min > MaxMinCount)) Refuse("minCount", $"rule.minCount must be from 1 to {MaxMinCount}.");
            if (r.Kind == ErrorRate)
            {
                if (r.Threshold is not { } t || !double.IsFinite(t) || t <= 0 || t > 1)
                    Refuse("threshold", "rule.threshold must be a fraction above 0 and at most 1 (0.05 is 5%).");
                NotOf("percentile", r.Percentile); NotOf("thresholdMs", r.ThresholdMs);
            }
            else
            {
                if (r.Percentile is not { } p || !double.IsFinite(p) || p <= 0 || p > 100)
                    Refuse("percentile", "rule.percentile must be above 0 and at most 100 (95 for p95).");
                if (r.ThresholdMs is not { } ms || !double.IsFinite(ms) || ms <= 0)
                    Refuse("thresholdMs", "rule.thresholdMs must be a positive number of milliseconds.");
                NotOf("threshold", r.Threshold);
            }
        }
        if (r.Method is not null && !Traffic.IsMethod(r.Method))
            Refuse("method", $"rule.method must be one of {string.Join(", ", Traffic.Methods)}.");
        if (r.Domain is not null && Traffic.NormalizeHost(r.Domain) is null)
            Refuse("domain", "rule.domain must be a host with an optional :port, e.g. api.example.com.");
        if (r.PathnameTemplate is not null && !r.PathnameTemplate.StartsWith('/'))
            Refuse("pathnameTemplate", "rule.pathnameTemplate must start with '/'.");
        if (r.StatusClass is not null && !TrafficFilterRequest.StatusClasses.Contains(r.StatusClass.ToLowerInvariant()))
            Refuse("statusClass", "rule.statusClass must be one of 1xx, 2xx, 3xx, 4xx, 5xx.");
        return problems;
    }

    /// <summary>The normalised rule; call only when <see cref="Problems"/> found none.</summary>
    public static Rule From(RuleInput r) => new(
        r.Kind!,
        r.Kind == Level ? r.Levels!.Select(l => l.Trim().ToUpperInvariant()).Distinct().Order(StringComparer.Ordinal).ToArray() : null,
        r.Threshold, r.Window, r.Kind == Level ? null : r.MinCount ?? 1, r.Percentile, r.ThresholdMs,
        r.Method?.Trim().ToUpperInvariant(), r.Domain is null ? null : Traffic.NormalizeHost(r.Domain), r.PathnameTemplate,
        r.StatusClass?.ToLowerInvariant());
}
