using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Encodings.Web;

namespace Arkyn.Infrastructure;

public sealed record IngestSettings(
    IReadOnlySet<string> RedactHeaders, IReadOnlySet<string> RedactFields, int MaxBodyBytes, long MaxBatchBytes,
    int RatePermitsPerSecond, int RateBurst)
{
    public static readonly string[] DefaultRedactHeaders = ["Authorization", "Proxy-Authorization", "Cookie", "Set-Cookie", "X-Api-Key"];

    public static readonly string[] DefaultRedactFields =
        ["password", "passwd", "secret", "token", "apiKey", "api_key", "authorization", "cookie", "creditCard", "cardNumber", "cvv", "ssn",
         "pass", "pwd", "secretKey", "privateKey", "sessionId"];

    /// <summary>Header values that start with one of these words and a space are credentials, whatever the header is called.</summary>
    public static readonly string[] DefaultRedactValueSchemes = ["Bearer", "Basic", "Digest", "Negotiate"];

    public IReadOnlyList<string> RedactValueSchemes { get; init; } = DefaultRedactValueSchemes;

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
            (int)Math.Min(burst, int.MaxValue))
        {
            RedactValueSchemes = Names(config, "Ingest:RedactValueSchemes", DefaultRedactValueSchemes),
        };
    }

    /// <summary>Field names compare without case, '_', '-' or spaces: apiKey, api_key and API-KEY are one name.</summary>
    public static string FieldKey(string name) => string.Concat(name.Where(c => c is not ('_' or '-') && !char.IsWhiteSpace(c))).ToLowerInvariant();

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
    /// <summary>The deepest nesting a stored body, header or query object may have: {"a":[1]} is 2.</summary>
    public const int MaxDepth = 64;
    /// <summary>
    /// How deep request and response JSON may nest when read and written: above <see cref="MaxDepth"/> by more than any
    /// wrapper (a batch around a record, a page around a record view), so a body too deep is the one field's 400
    /// rather than the whole request's, and every stored body can be read back.
    /// </summary>
    public const int MaxJsonDepth = 1024;
    const int MaxStackName = 256;
    const int MaxKeptBuffer = 1 << 20;

    delegate bool NameTest(ReadOnlySpan<char> name);

    readonly IngestSettings settings;
    readonly string[] redactFields;
    readonly NameTest sensitiveHeader;
    readonly NameTest sensitiveField;
    readonly byte[][] credentialSchemes;

    [ThreadStatic] static ArrayBufferWriter<byte>? buffer;
    [ThreadStatic] static Utf8JsonWriter? writer;

    public Payloads(IngestSettings settings)
    {
        this.settings = settings;
        redactFields = [.. settings.RedactFields];
        sensitiveHeader = name => IsRedactedHeader(name) || IsSensitiveField(name);
        sensitiveField = IsSensitiveField;
        credentialSchemes = [.. settings.RedactValueSchemes.Select(s => Encoding.UTF8.GetBytes(s.Trim() + " "))];
    }

    /// <summary>The headers object as JSON text, with the values of sensitive header names replaced.</summary>
    public string Headers(JsonElement headers) => Encoding.UTF8.GetString(Rewrite(headers, sensitiveHeader, deep: false, IsCredential));

    bool IsRedactedHeader(ReadOnlySpan<char> name)
    {
        name = name.Trim();
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
            if (c is not ('_' or '-') && !char.IsWhiteSpace(c)) key[length++] = char.ToLowerInvariant(c);
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

    /// <summary>A header value (or one of an array of values) that starts with a credential scheme, such as "Bearer …".</summary>
    bool IsCredential(JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in value.EnumerateArray())
                if (IsCredential(item)) return true;
            return false;
        }
        if (value.ValueKind != JsonValueKind.String) return false;
        var text = JsonMarshal.GetRawUtf8Value(value)[1..^1].TrimStart(" \t"u8);
        foreach (var scheme in credentialSchemes)
            if (text.Length > scheme.Length && Ascii.EqualsIgnoreCase(text[..scheme.Length], scheme)) return true;
        return false;
    }

    /// <summary>Stored JSON as an element. Text stored before the rule of <see cref="InputText"/> is cleaned on the way out.</summary>
    public static JsonElement? Parse(string? json)
    {
        if (json is null) return null;
        using var document = JsonDocument.Parse(json, ReadOptions);
        if (!json.Contains("\\u", StringComparison.Ordinal) || !InputText.HasUnsafeEscape(Encoding.UTF8.GetBytes(json)))
            return document.RootElement.Clone();
        using var cleaned = JsonDocument.Parse(Rewrite(document.RootElement, NoName, deep: true).ToArray(), ReadOptions);
        return cleaned.RootElement.Clone();
    }

    public static string DepthMessage(string field) => $"{field} must nest at most {MaxDepth} levels of objects and arrays.";

    static readonly JsonDocumentOptions ReadOptions = new() { MaxDepth = MaxJsonDepth };

    /// <summary>Whether the value nests at most <see cref="MaxDepth"/> levels (a missing value does).</summary>
    public static bool IsWithinDepth(JsonElement? value)
    {
        if (value is not { } element || element.ValueKind is not (JsonValueKind.Object or JsonValueKind.Array)) return true;
        var raw = JsonMarshal.GetRawUtf8Value(element);
        // Each level takes an opening and a closing bracket.
        if (raw.Length <= 2 * MaxDepth) return true;
        var reader = new Utf8JsonReader(raw, new JsonReaderOptions { MaxDepth = MaxJsonDepth });
        while (reader.Read())
            if (reader.CurrentDepth >= MaxDepth && reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray) return false;
        return true;
    }

    /// <summary>The rewritten JSON, valid until the next call on this thread.</summary>
    static ReadOnlySpan<byte> Rewrite(JsonElement element, NameTest sensitive, bool deep, Func<JsonElement, bool>? secretValue = null)
    {
        // A buffer grown by one very large body is not kept for the thread's lifetime.
        if (buffer is null || buffer.Capacity > MaxKeptBuffer) buffer = new ArrayBufferWriter<byte>(4096);
        var output = buffer;
        output.ResetWrittenCount();
        var json = writer ??= new Utf8JsonWriter(output, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        json.Reset(output);
        Redact(json, element, sensitive, deep, secretValue);
        json.Flush();
        return output.WrittenSpan;
    }

    static readonly NameTest NoName = _ => false;

    static void Redact(Utf8JsonWriter writer, JsonElement element, NameTest sensitive, bool deep, Func<JsonElement, bool>? secretValue = null)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in element.EnumerateObject())
                {
                    if (WithName(writer, property, sensitive) || secretValue?.Invoke(property.Value) == true) writer.WriteStringValue(Redacted);
                    else if (deep) Redact(writer, property.Value, sensitive, deep);
                    // Below the top level nothing is redacted, but text is still cleaned.
                    else Redact(writer, property.Value, NoName, deep: true);
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
            var name = InputText.HasUnsafeEscape(raw) ? InputText.UnescapeJson(raw) : property.Name;
            writer.WritePropertyName(name);
            return sensitive(name);
        }
        Span<char> chars = stackalloc char[raw.Length];
        chars = chars[..Encoding.UTF8.GetChars(raw, chars)];
        writer.WritePropertyName(raw);
        return sensitive(chars);
    }

    /// <summary>
    /// Values keep the text they were sent in: re-encoding would escape characters (emoji) and change the byte count the
    /// cap is about. Only a string that escapes NUL or a lone surrogate is written again, cleaned.
    /// </summary>
    static void WriteAsSent(Utf8JsonWriter writer, JsonElement element)
    {
        var raw = JsonMarshal.GetRawUtf8Value(element);
        if (element.ValueKind == JsonValueKind.String && InputText.HasUnsafeEscape(raw[1..^1]))
            writer.WriteStringValue(InputText.UnescapeJson(raw[1..^1]));
        else
            writer.WriteRawValue(raw, skipInputValidation: true);
    }
}
