using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Arkyn.Infrastructure;

public sealed record IngestSettings(IReadOnlySet<string> RedactHeaders, int MaxBodyBytes)
{
    public static readonly string[] DefaultRedactHeaders = ["Authorization", "Proxy-Authorization", "Cookie", "Set-Cookie", "X-Api-Key"];

    public static IngestSettings From(IConfiguration config)
    {
        var section = config.GetSection("Ingest:RedactHeaders");
        var names = section.GetChildren().Select(c => c.Value).OfType<string>().ToList();
        if (names.Count == 0 && !string.IsNullOrWhiteSpace(section.Value))
            names = section.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        if (names.Count == 0) names = [.. DefaultRedactHeaders];
        var max = Settings.PositiveLong(config, "Ingest:MaxBodyBytes", 65_536);
        if (max > int.MaxValue) throw new StartupException($"Ingest:MaxBodyBytes '{max}' is too large.");
        return new IngestSettings(names.ToHashSet(StringComparer.OrdinalIgnoreCase), (int)max);
    }
}

/// <summary>What is done to captured headers and bodies before anything is stored.</summary>
public sealed class Payloads(IngestSettings settings)
{
    public const string Redacted = "[REDACTED]";

    /// <summary>The headers object as JSON text, with the values of sensitive header names replaced.</summary>
    public string Headers(JsonElement headers)
    {
        var node = JsonNode.Parse(headers.GetRawText())!.AsObject();
        foreach (var name in node.Select(p => p.Key).Where(settings.RedactHeaders.Contains).ToList())
            node[name] = Redacted;
        return node.ToJsonString();
    }

    public static string Object(JsonElement value) => JsonSerializer.Serialize(value);

    /// <summary>
    /// The body as JSON text (null for a null or absent body). Over the cap it becomes a JSON string holding
    /// the first cap bytes of that text, cut on a UTF-8 character boundary.
    /// </summary>
    public (string? Json, bool Truncated) Body(JsonElement? body)
    {
        if (body is not { } element || element.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined) return (null, false);
        var utf8 = JsonSerializer.SerializeToUtf8Bytes(element);
        if (utf8.Length <= settings.MaxBodyBytes) return (Encoding.UTF8.GetString(utf8), false);
        var cut = settings.MaxBodyBytes;
        while (cut > 0 && (utf8[cut] & 0xC0) == 0x80) cut--;
        return (JsonSerializer.Serialize(Encoding.UTF8.GetString(utf8, 0, cut)), true);
    }

    public static JsonElement? Parse(string? json) => json is null ? null : JsonDocument.Parse(json).RootElement.Clone();
}
