using System.Text;
using System.Text.Json;

namespace Arkyn.Infrastructure;

public sealed record IngestSettings(
    IReadOnlySet<string> RedactHeaders, IReadOnlySet<string> RedactFields, int MaxBodyBytes, long MaxBatchBytes,
    int RatePermitsPerSecond, int RateBurst)
{
    public static readonly string[] DefaultRedactHeaders = ["Authorization", "Proxy-Authorization", "Cookie", "Set-Cookie", "X-Api-Key"];

    public static readonly string[] DefaultRedactFields =
        ["password", "passwd", "secret", "token", "apiKey", "api_key", "authorization", "cookie", "creditCard", "cardNumber", "cvv", "ssn"];

    public static IngestSettings From(IConfiguration config)
    {
        var maxBody = Settings.PositiveLong(config, "Ingest:MaxBodyBytes", 65_536);
        if (maxBody > int.MaxValue) throw new StartupException($"Ingest:MaxBodyBytes '{maxBody}' is too large.");
        var permits = Settings.PositiveLong(config, "Ingest:RateLimit:PermitsPerSecond", 0, allowZero: true);
        var burst = Settings.PositiveLong(config, "Ingest:RateLimit:Burst", Math.Max(permits, 1));
        return new IngestSettings(
            Names(config, "Ingest:RedactHeaders", DefaultRedactHeaders).ToHashSet(StringComparer.OrdinalIgnoreCase),
            Names(config, "Ingest:RedactFields", DefaultRedactFields).Select(FieldKey).ToHashSet(),
            (int)maxBody,
            Settings.PositiveLong(config, "Ingest:MaxBatchBytes", 10 * 1024 * 1024),
            (int)Math.Min(permits, int.MaxValue),
            (int)Math.Min(burst, int.MaxValue));
    }

    /// <summary>Field names compare without case, '_' or '-': apiKey, api_key and API-KEY are one name.</summary>
    public static string FieldKey(string name) => name.Replace("_", "").Replace("-", "").ToLowerInvariant();

    /// <summary>A list setting, as an array (Ingest:RedactFields:0 …) or one comma-separated string.</summary>
    static List<string> Names(IConfiguration config, string key, string[] fallback)
    {
        var section = config.GetSection(key);
        var names = section.GetChildren().Select(c => c.Value).OfType<string>().ToList();
        if (names.Count == 0 && !string.IsNullOrWhiteSpace(section.Value))
            names = section.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        return names.Count == 0 ? [.. fallback] : names;
    }
}

/// <summary>
/// What is done to captured headers, query parameters and bodies before anything is stored. The JSON is
/// rewritten token by token (not through a DOM), so repeated property names are kept as sent and each is redacted.
/// </summary>
public sealed class Payloads(IngestSettings settings)
{
    public const string Redacted = "[REDACTED]";

    /// <summary>The headers object as JSON text, with the values of sensitive header names replaced.</summary>
    public string Headers(JsonElement headers) =>
        Write(headers, (w, e) => Redact(w, e, name => settings.RedactHeaders.Contains(name) || IsSensitiveField(name), deep: false));

    /// <summary>
    /// A configured name, or a name ending in one (access_token, client_secret, userPassword, X-Auth-Token),
    /// compared without case, '_' or '-'.
    /// </summary>
    bool IsSensitiveField(string name)
    {
        var key = IngestSettings.FieldKey(name);
        return settings.RedactFields.Contains(key) || settings.RedactFields.Any(key.EndsWith);
    }

    /// <summary>The query parameters as JSON text, sensitive names redacted at any depth.</summary>
    public string QueryParams(JsonElement queryParams) => Write(queryParams, RedactFields);

    /// <summary>
    /// The body as JSON text (null for a null or absent body), sensitive field names redacted at any depth.
    /// Over the cap it becomes a JSON string holding the first cap bytes of that text, cut on a UTF-8 character boundary.
    /// </summary>
    public (string? Json, bool Truncated) Body(JsonElement? body)
    {
        if (body is not { } element || element.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined) return (null, false);
        var utf8 = WriteUtf8(element, RedactFields);
        if (utf8.Length <= settings.MaxBodyBytes) return (Encoding.UTF8.GetString(utf8), false);
        var cut = settings.MaxBodyBytes;
        while (cut > 0 && (utf8[cut] & 0xC0) == 0x80) cut--;
        return (JsonSerializer.Serialize(Encoding.UTF8.GetString(utf8, 0, cut)), true);
    }

    public static JsonElement? Parse(string? json) => json is null ? null : JsonDocument.Parse(json).RootElement.Clone();

    void RedactFields(Utf8JsonWriter writer, JsonElement element) => Redact(writer, element, IsSensitiveField, deep: true);

    static void Redact(Utf8JsonWriter writer, JsonElement element, Func<string, bool> sensitive, bool deep)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in element.EnumerateObject())
                {
                    writer.WritePropertyName(property.Name);
                    if (sensitive(property.Name)) writer.WriteStringValue(Redacted);
                    else if (deep) Redact(writer, property.Value, sensitive, deep);
                    else WriteAsSent(writer, property.Value);
                }
                writer.WriteEndObject();
                break;
            case JsonValueKind.Array when deep:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray()) Redact(writer, item, sensitive, deep);
                writer.WriteEndArray();
                break;
            default:
                WriteAsSent(writer, element);
                break;
        }
    }

    /// <summary>Values keep the text they were sent in: re-encoding would escape characters (emoji) and change the byte count the cap is about.</summary>
    static void WriteAsSent(Utf8JsonWriter writer, JsonElement element) => writer.WriteRawValue(element.GetRawText(), skipInputValidation: true);

    static string Write(JsonElement element, Action<Utf8JsonWriter, JsonElement> write) => Encoding.UTF8.GetString(WriteUtf8(element, write));

    static byte[] WriteUtf8(JsonElement element, Action<Utf8JsonWriter, JsonElement> write)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            write(writer, element);
        return buffer.WrittenSpan.ToArray();
    }
}
