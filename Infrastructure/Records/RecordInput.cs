using System.Text.Json.Serialization;
using NJsonSchema.Annotations;

namespace Arkyn.Infrastructure.Records;

/// <summary>One completed transaction as an agent sends it: everything the five-call flow carries, in one body.</summary>
public class RecordInput
{
    /// <summary>Client-chosen UUID; a retry with the same id returns the stored record instead of storing it twice.</summary>
    public string? Id { get; set; }
    /// <summary>When the transaction happened, ISO 8601 (UTC when no offset is given). Defaults to now.</summary>
    public string? Timestamp { get; set; }
    /// <summary>Absolute URL of the domain, e.g. https://api.example.com or http://localhost:8080.</summary>
    public string? DomainUrl { get; set; }
    /// <summary>The path, starting with '/', without query string.</summary>
    public string? PathnameUrl { get; set; }
    /// <summary>HTTP or HTTPS; defaults to the scheme of domainUrl.</summary>
    public string? Protocol { get; set; }
    public string? Method { get; set; }
    public int? Status { get; set; }
    public double? ElapsedTime { get; set; }
    public string? TrafficUserId { get; set; }
    // Each of these may also be sent as its JSON text in a string, as the Arkyn npm client sends them.
    [JsonConverter(typeof(JsonTextConverter)), JsonSchemaType(typeof(Dictionary<string, object>))] public JsonElement? RequestHeaders { get; set; }
    [JsonConverter(typeof(JsonTextConverter))] public JsonElement? RequestBody { get; set; }
    [JsonConverter(typeof(JsonTextConverter)), JsonSchemaType(typeof(Dictionary<string, object>))] public JsonElement? QueryParams { get; set; }
    [JsonConverter(typeof(JsonTextConverter)), JsonSchemaType(typeof(Dictionary<string, object>))] public JsonElement? ResponseHeaders { get; set; }
    [JsonConverter(typeof(JsonTextConverter))] public JsonElement? ResponseBody { get; set; }

    public static DateTimeOffset? ParseTimestamp(string? value) => Iso8601.Parse(value);

    /// <summary>The domain value (host[:port], lower case) and scheme of domainUrl; null when it is not an absolute http(s) URL without path.</summary>
    public static (string Host, string Scheme)? ParseDomainUrl(string? value)
    {
        if (!Uri.TryCreate(value?.Trim(), UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")) return null;
        if (uri.AbsolutePath != "/" || uri.Query.Length > 0 || uri.Fragment.Length > 0 || uri.UserInfo.Length > 0) return null;
        return Traffic.NormalizeHost(uri.Authority) is { } host ? (host, uri.Scheme.ToUpperInvariant()) : null;
    }
}
