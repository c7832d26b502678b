using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Encodings.Web;
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
/// This runs for every ingested record: names are checked and values copied as UTF-8 spans, into one reused
/// buffer per thread, so a record costs its few result strings and no garbage besides.
/// </summary>
public sealed class Payloads
{
    public const string Redacted = "[REDACTED]";
    const int MaxStackName = 256;
    const int MaxKeptBuffer = 1 << 20;

    delegate bool NameTest(ReadOnlySpan<char> name);

    readonly IngestSettings settings;
    readonly string[] redactFields;
    readonly NameTest sensitiveHeader;
    readonly NameTest sensitiveField;

    [ThreadStatic] static ArrayBufferWriter<byte>? buffer;
    [ThreadStatic] static Utf8JsonWriter? writer;

    public Payloads(IngestSettings settings)
    {
        this.settings = settings;
        redactFields = [.. settings.RedactFields];
        sensitiveHeader = name => IsRedactedHeader(name) || IsSensitiveField(name);
        sensitiveField = IsSensitiveField;
    }

    /// <summary>The headers object as JSON text, with the values of sensitive header names replaced.</summary>
    public string Headers(JsonElement headers) => Encoding.UTF8.GetString(Rewrite(headers, sensitiveHeader, deep: false));

    bool IsRedactedHeader(ReadOnlySpan<char> name)
    {
        foreach (var header in settings.RedactHeaders)
            if (name.Equals(header, StringComparison.OrdinalIgnoreCase)) return true;
        return false;
    }

    /// <summary>
    /// A configured name, or a name ending in one (access_token, client_secret, userPassword, X-Auth-Token),
    /// compared without case, '_' or '-' (see <see cref="IngestSettings.FieldKey"/>).
    /// </summary>
    bool IsSensitiveField(ReadOnlySpan<char> name)
    {
        Span<char> key = name.Length <= MaxStackName ? stackalloc char[name.Length] : new char[name.Length];
        var length = 0;
        foreach (var c in name)
            if (c is not ('_' or '-')) key[length++] = char.ToLowerInvariant(c);
        key = key[..length];
        foreach (var field in redactFields)
            if (key.EndsWith(field, StringComparison.Ordinal)) return true;
        return false;
    }

    /// <summary>The query parameters as JSON text, sensitive names redacted at any depth.</summary>
    public string QueryParams(JsonElement queryParams) => Encoding.UTF8.GetString(Rewrite(queryParams, sensitiveField, deep: true));

    /// <summary>
    /// The body as JSON text (null for a null or absent body), sensitive field names redacted at any depth.
    /// Over the cap it becomes a JSON string holding the first cap bytes of that text, cut on a UTF-8 character boundary.
    /// </summary>
    public (string? Json, bool Truncated) Body(JsonElement? body)
    {
        if (body is not { } element || element.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined) return (null, false);
        var utf8 = Rewrite(element, sensitiveField, deep: true);
        if (utf8.Length <= settings.MaxBodyBytes) return (Encoding.UTF8.GetString(utf8), false);
        var cut = settings.MaxBodyBytes;
        while (cut > 0 && (utf8[cut] & 0xC0) == 0x80) cut--;
        return (JsonSerializer.Serialize(Encoding.UTF8.GetString(utf8[..cut])), true);
    }

    public static JsonElement? Parse(string? json) => json is null ? null : JsonDocument.Parse(json).RootElement.Clone();

    /// <summary>The rewritten JSON, valid until the next call on this thread.</summary>
    static ReadOnlySpan<byte> Rewrite(JsonElement element, NameTest sensitive, bool deep)
    {
        // A buffer grown by one very large body is not kept for the thread's lifetime.
        if (buffer is null || buffer.Capacity > MaxKeptBuffer) buffer = new ArrayBufferWriter<byte>(4096);
        var output = buffer;
        output.ResetWrittenCount();
        var json = writer ??= new Utf8JsonWriter(output, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        json.Reset(output);
        Redact(json, element, sensitive, deep);
        json.Flush();
        return output.WrittenSpan;
    }

    static void Redact(Utf8JsonWriter writer, JsonElement element, NameTest sensitive, bool deep)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in element.EnumerateObject())
                {
                    if (WithName(writer, property, sensitive)) writer.WriteStringValue(Redacted);
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

    /// <summary>Writes the property's name and tells whether it is sensitive, without a string for the name unless it holds escapes.</summary>
    static bool WithName(Utf8JsonWriter writer, JsonProperty property, NameTest sensitive)
    {
        var raw = JsonMarshal.GetRawUtf8PropertyName(property);
        if (raw.Contains((byte)'\\') || raw.Length > MaxStackName)
        {
            var name = property.Name;
            writer.WritePropertyName(name);
            return sensitive(name);
        }
        Span<char> chars = stackalloc char[raw.Length];
        chars = chars[..Encoding.UTF8.GetChars(raw, chars)];
        writer.WritePropertyName(raw);
        return sensitive(chars);
    }

    /// <summary>Values keep the text they were sent in: re-encoding would escape characters (emoji) and change the byte count the cap is about.</summary>
    static void WriteAsSent(Utf8JsonWriter writer, JsonElement element) =>
        writer.WriteRawValue(JsonMarshal.GetRawUtf8Value(element), skipInputValidation: true);
}
