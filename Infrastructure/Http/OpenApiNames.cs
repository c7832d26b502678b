using NJsonSchema.Generation;

namespace Arkyn.Infrastructure.Http;

/// <summary>
/// The names the OpenAPI document gives, derived from where a type or endpoint lives (Features/{Area}/{Action}), so
/// a new slice gets readable names without configuration. docs/openapi.md states the rules.
/// </summary>
public static class OpenApiNames
{
    const string FeaturesNamespace = "Arkyn.Features.";

    /// <summary>Area (namespace under Features) → tag.</summary>
    static readonly Dictionary<string, string> AreaTags = new()
    {
        ["Ingest"] = "Ingest",
        ["Reading"] = "Reading",
        ["Stats"] = "Reading",
        ["Users"] = "Users",
        ["TrafficSources"] = "Traffic sources",
        ["Domains"] = "Domains",
        ["Pathnames"] = "Pathnames",
        ["Requests"] = "Requests",
        ["Responses"] = "Responses",
        ["HttpTraffic"] = "HTTP traffic",
        ["IngestKeys"] = "Ingest",
        ["OpenTelemetry"] = "Ingest",
        ["Members"] = "Traffic sources",
        ["Webhooks"] = "Alerts",
        ["Health"] = "Health",
    };

    /// <summary>
    /// Area → the resource its operations and schemas are named for, where the area is named for what a user does:
    /// Ingest/Create is createHttpTrafficRecord, Reading/List is listHttpTrafficRecords.
    /// </summary>
    static readonly Dictionary<string, string> AreaResources = new()
    {
        ["Ingest"] = "HttpTrafficRecords",
        ["Reading"] = "HttpTrafficRecords",
        ["Stats"] = "HttpTrafficStats",
    };

    /// <summary>The tags in the order a reader meets them; a tag not listed here goes after Alerts, before Health.</summary>
    public static readonly string[] TagOrder =
        ["Users", "Traffic sources", "Domains", "Pathnames", "Requests", "Responses", "HTTP traffic", "Ingest", "Reading", "Alerts", "Health"];

    public static readonly Dictionary<string, string> TagDescriptions = new()
    {
        ["Users"] = "Accounts and bearer tokens.",
        ["Traffic sources"] = "One traffic source per monitored application.",
        ["Domains"] = "The hosts a traffic source serves.",
        ["Pathnames"] = "The paths of a domain.",
        ["Requests"] = "The request half of a transaction, stored before its traffic (five-call flow).",
        ["Responses"] = "The response half of a transaction, stored before its traffic (five-call flow).",
        ["HTTP traffic"] = "The published route: one HttpTraffic record from previously created parts.",
        ["Ingest"] = "Agents: ingest keys, and whole transactions in one call or in batches.",
        ["Reading"] = "Listing, filtering and aggregating stored traffic.",
        ["Alerts"] = "Webhooks fired when traffic goes wrong.",
        ["Health"] = "Liveness and readiness probes.",
    };

    /// <summary>(Area, Action) of a type in Arkyn.Features.{Area}[.{Action}]; null outside Features.</summary>
    static (string Area, string? Action)? Slice(Type type)
    {
        var ns = type.Namespace;
        if (ns is null || !ns.StartsWith(FeaturesNamespace, StringComparison.Ordinal)) return null;
        var parts = ns[FeaturesNamespace.Length..].Split('.');
        return (parts[0], parts.Length > 1 ? parts[1] : null);
    }

    static string Resource(string area) => AreaResources.TryGetValue(area, out var resource) ? resource : area;

    public static string Tag(Type endpoint)
    {
        if (Slice(endpoint) is not { } slice) return "Other";
        return AreaTags.TryGetValue(slice.Area, out var tag) ? tag : Words(slice.Area);
    }

    /// <summary>listTrafficSources, createHttpTraffic, getHttpTrafficRecord: the action as a verb, then the area.</summary>
    public static string OperationId(Type endpoint)
    {
        if (Slice(endpoint) is not { Action: { } action } slice) return Camel(endpoint.Name);
        var resource = Resource(slice.Area);
        var noun = action == "List" ? resource : Singular(resource);
        return Camel(action) + noun;
    }

    /// <summary>
    /// Schema names: an action's Request/Response read "{Action}{Area, singular}Request" (CreateHttpTrafficRequest);
    /// an area's "{Thing}Response" reads "{Thing}" (HttpTraffic); other slice types keep their name, prefixed with the
    /// action unless it already says it (BatchSuccess, EndpointStats); PageOf&lt;T&gt; reads "{T}Page". A type that
    /// reads badly so names itself with [JsonSchema("Name")].
    /// </summary>
    public static string Schema(Type type)
    {
        if (type.GetCustomAttributes(typeof(NJsonSchema.Annotations.JsonSchemaAttribute), false) is [NJsonSchema.Annotations.JsonSchemaAttribute { Name.Length: > 0 } named])
            return named.Name;
        if (type.IsGenericType)
        {
            var arguments = string.Concat(type.GetGenericArguments().Select(Schema));
            var name = type.Name[..type.Name.IndexOf('`')];
            return name == "PageOf" ? arguments + "Page" : arguments + name;
        }
        if (Slice(type) is not { } slice) return type.Name;
        if (slice.Action is null)
            return type.Name.EndsWith("Response", StringComparison.Ordinal) && type.Name != "Response" ? type.Name[..^"Response".Length] : type.Name;
        if (type.Name is "Request" or "Response") return slice.Action + Singular(Resource(slice.Area)) + type.Name;
        return type.Name.Contains(slice.Action, StringComparison.Ordinal) ? type.Name : slice.Action + type.Name;
    }

    static string Singular(string area) =>
        area.EndsWith("ies", StringComparison.Ordinal) ? area[..^3] + "y"
        : area.EndsWith('s') && !area.EndsWith("ss", StringComparison.Ordinal) ? area[..^1]
        : area;

    static string Camel(string name) => name.Length == 0 ? name : char.ToLowerInvariant(name[0]) + name[1..];

    /// <summary>"IngestLogs" → "Ingest logs".</summary>
    static string Words(string pascal) =>
        string.Concat(pascal.Select((c, i) => i > 0 && char.IsUpper(c) ? " " + char.ToLowerInvariant(c) : c.ToString()));

    public sealed class SchemaNames : ISchemaNameGenerator
    {
        public string Generate(Type type) => Schema(type);
    }
}
