using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;

namespace Arkyn.Features.OpenTelemetry.Traces;

/// <summary>
/// One span as a record: <see cref="Record"/> (with <see cref="Template"/> from http.route when the span has one), or
/// <see cref="Rejection"/> saying why it cannot be stored, or neither when it is not an HTTP span of kind SERVER or CLIENT.
/// </summary>
public sealed record SpanRecord(RecordInput? Record, string? Template, string? Rejection)
{
    static readonly SpanRecord Skipped = new(null, null, null);
    static readonly JsonElement EmptyObject = JsonDocument.Parse("{}").RootElement.Clone();

    /// <summary>
    /// The mapping of API.md, by the stable HTTP semantic conventions and, where a span has not those, by the older
    /// names. The record id is derived from the source, traceId and spanId, so a retried export stores nothing twice.
    /// </summary>
    public static SpanRecord From(ExportedSpan span, string sourceId)
    {
        var a = span.Attributes;
        if (span.Kind is not (ExportedSpan.KindServer or ExportedSpan.KindClient)) return Skipped;
        var method = Text(a, "http.request.method") ?? Text(a, "http.method");
        if (method is null) return Skipped;
        if (method == "_OTHER") method = Text(a, "http.request.method_original") ?? method;

        var name = Convert.ToHexStringLower(span.SpanId);
        SpanRecord Reject(string why) => new(null, null, $"span {(name.Length > 0 ? name : "without spanId")}: {why}");
        if (span.TraceId.Length != 16 || span.TraceId.All(b => b == 0)) return Reject("traceId must be 16 bytes, not all zero.");
        if (span.SpanId.Length != 8 || span.SpanId.All(b => b == 0)) return Reject("spanId must be 8 bytes, not all zero.");
        if (span.StartTimeUnixNano == 0 || span.StartTimeUnixNano / 1_000_000 > (ulong)DateTimeOffset.MaxValue.ToUnixTimeMilliseconds())
            return Reject("startTimeUnixNano must be a time since 1970 in nanoseconds.");
        if (span.EndTimeUnixNano < span.StartTimeUnixNano) return Reject("endTimeUnixNano must not be before startTimeUnixNano.");
        var status = Integer(a, "http.response.status_code") ?? Integer(a, "http.status_code");
        if (status is null) return Reject("the span has no http.response.status_code (http.status_code).");

        var full = AbsoluteUri(Text(a, "url.full") ?? Text(a, "http.url"));
        var target = Text(a, "http.target");
        var server = span.Kind == ExportedSpan.KindServer;
        var (hostHeader, hostHeaderPort) = HostAndPort(server ? Text(a, "http.host") : null);
        var host = Text(a, "server.address") ?? Text(a, server ? "net.host.name" : "net.peer.name") ?? hostHeader ?? full?.Host;
        var port = Integer(a, "server.port") ?? Integer(a, server ? "net.host.port" : "net.peer.port") ?? hostHeaderPort
            ?? (full is { IsDefaultPort: false } ? full.Port : null);
        if (host is null) return Reject("the span has no server.address (net.host.name, net.peer.name, url.full).");
        var scheme = (Text(a, "url.scheme") ?? Text(a, "http.scheme") ?? full?.Scheme ?? (port == 443 ? "https" : "http")).ToLowerInvariant();
        var path = Text(a, "url.path") ?? Before(target, '?') ?? full?.AbsolutePath;
        if (path is null) return Reject("the span has no url.path (http.target, url.full).");
        var query = Text(a, "url.query") ?? After(target, '?') ?? (full?.Query is { Length: > 1 } q ? q[1..] : null);

        var startMs = (long)(span.StartTimeUnixNano / 1_000_000);
        var record = new RecordInput
        {
            Id = DeterministicId(sourceId, span, startMs),
            Timestamp = DateTimeOffset.FromUnixTimeMilliseconds(startMs).ToString("O", CultureInfo.InvariantCulture),
            DomainUrl = $"{scheme}://{(host.Contains(':') && !host.StartsWith('[') ? $"[{host}]" : host)}{(port is null ? "" : $":{port}")}",
            PathnameUrl = Before(path, '#'),
            Method = method,
            Status = status is >= int.MinValue and <= int.MaxValue ? (int)status : -1,
            ElapsedTime = (span.EndTimeUnixNano - span.StartTimeUnixNano) / 1_000_000.0,
            TrafficUserId = Text(a, "enduser.id") ?? Text(a, "user.id"),
            RequestHeaders = Headers(a, "http.request.header."),
            ResponseHeaders = Headers(a, "http.response.header."),
            QueryParams = QueryParams(query),
            RequestBody = Body(Text(a, "http.request.body")),
            ResponseBody = Body(Text(a, "http.response.body")),
        };
        var failures = Rules.Validate(record).Errors;
        if (failures.Count > 0)
            return Reject(string.Join(" ", failures.Select(f => $"{AttributeOf(f.PropertyName)}: {f.ErrorMessage}")));
        return new SpanRecord(record, Traffic.RouteTemplate(Text(a, "http.route")), null);
    }

    static readonly RecordRules Rules = new();

    /// <summary>The attribute a record field comes from, for the error message of a rejected span.</summary>
    static string AttributeOf(string field) => field switch
    {
        nameof(RecordInput.Method) => "http.request.method",
        nameof(RecordInput.Status) => "http.response.status_code",
        nameof(RecordInput.DomainUrl) => "server.address, server.port, url.scheme",
        nameof(RecordInput.PathnameUrl) => "url.path",
        nameof(RecordInput.TrafficUserId) => "enduser.id",
        _ => field,
    };

    /// <summary>
    /// A UUID of version 7 whose time is the span's start (so these ids sort with the others) and whose other bits are
    /// a SHA-256 of the source, traceId and spanId: the same span sent again gets the same id, in that source only.
    /// </summary>
    public static string DeterministicId(string sourceId, ExportedSpan span, long startMs)
    {
        Span<byte> input = stackalloc byte[36 + 16 + 8];
        var written = Encoding.ASCII.GetBytes(sourceId, input);
        span.TraceId.CopyTo(input[written..]);
        span.SpanId.CopyTo(input[(written + 16)..]);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(input[..(written + 24)], hash);
        Span<byte> id = stackalloc byte[16];
        for (var i = 0; i < 6; i++) id[i] = (byte)(startMs >> (8 * (5 - i)));
        hash[..10].CopyTo(id[6..]);
        id[6] = (byte)(0x70 | (id[6] & 0x0F));
        id[8] = (byte)(0x80 | (id[8] & 0x3F));
        return new Guid(id, bigEndian: true).ToString();
    }

    static string? Text(Dictionary<string, object?> attributes, string key) => attributes.GetValueOrDefault(key) switch
    {
        string s => s,
        long n => n.ToString(CultureInfo.InvariantCulture),
        double d => d.ToString(CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        _ => null,
    };

    static long? Integer(Dictionary<string, object?> attributes, string key) => attributes.GetValueOrDefault(key) switch
    {
        long n => n,
        double d when d == Math.Floor(d) && Math.Abs(d) < 1e15 => (long)d,
        string s when long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) => n,
        _ => null,
    };

    static Uri? AbsoluteUri(string? value) => Uri.TryCreate(value, UriKind.Absolute, out var uri) ? uri : null;

    /// <summary>"host:port" of http.host, or the host alone.</summary>
    static (string? Host, long? Port) HostAndPort(string? value)
    {
        if (string.IsNullOrEmpty(value)) return (null, null);
        var colon = value.LastIndexOf(':');
        if (colon > value.LastIndexOf(']') && long.TryParse(value[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port))
            return (value[..colon].Trim('[', ']'), port);
        return (value.Trim('[', ']'), null);
    }

    static string? Before(string? value, char separator) =>
        value is null ? null : value.IndexOf(separator) is var at and >= 0 ? value[..at] : value;

    static string? After(string? value, char separator) =>
        value is null ? null : value.IndexOf(separator) is var at and >= 0 ? value[(at + 1)..] : null;

    /// <summary>Header attributes (http.request.header.content-type: ["application/json"]) as a headers object; several values joined by ", ".</summary>
    static JsonElement Headers(Dictionary<string, object?> attributes, string prefix)
    {
        var writer = JsonWriter();
        var any = false;
        foreach (var (key, value) in attributes)
        {
            if (!key.StartsWith(prefix, StringComparison.Ordinal) || key.Length == prefix.Length) continue;
            var text = value switch
            {
                string s => s,
                object?[] { Length: 1 } one when one[0] is string s => s,
                object?[] list => string.Join(", ", list.Select(v => Convert.ToString(v, CultureInfo.InvariantCulture))),
                null => null,
                _ => Convert.ToString(value, CultureInfo.InvariantCulture),
            };
            if (text is null) continue;
            if (!any) writer.WriteStartObject();
            any = true;
            writer.WriteString(key.AsSpan(prefix.Length), text);
        }
        if (!any) return EmptyObject;
        writer.WriteEndObject();
        return Written(writer);
    }

    /// <summary>url.query as an object; a name given more than once holds an array of its values.</summary>
    static JsonElement QueryParams(string? query)
    {
        if (string.IsNullOrEmpty(query)) return EmptyObject;
        var parameters = new Dictionary<string, List<string>>();
        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=');
            var key = Unescape(equals < 0 ? pair : pair[..equals]);
            var value = equals < 0 ? "" : Unescape(pair[(equals + 1)..]);
            if (!parameters.TryGetValue(key, out var values)) parameters[key] = values = [];
            values.Add(value);
        }
        var writer = JsonWriter();
        writer.WriteStartObject();
        foreach (var (key, values) in parameters)
        {
            writer.WritePropertyName(key);
            if (values.Count == 1) writer.WriteStringValue(values[0]);
            else
            {
                writer.WriteStartArray();
                foreach (var value in values) writer.WriteStringValue(value);
                writer.WriteEndArray();
            }
        }
        writer.WriteEndObject();
        return Written(writer);
    }

    [ThreadStatic] static ArrayBufferWriter<byte>? buffer;
    [ThreadStatic] static Utf8JsonWriter? writer;

    /// <summary>This thread's JSON writer, reset; <see cref="Written"/> turns what it wrote into an element.</summary>
    static Utf8JsonWriter JsonWriter()
    {
        buffer ??= new ArrayBufferWriter<byte>(1024);
        buffer.ResetWrittenCount();
        writer ??= new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        writer.Reset(buffer);
        return writer;
    }

    static JsonElement Written(Utf8JsonWriter json)
    {
        json.Flush();
        return Element(buffer!.WrittenSpan);
    }

    /// <summary>
    /// An element that owns a copy of its JSON. Not JsonDocument.Parse: a document rents its buffers from the shared
    /// pool and would never give them back (these elements live on in the record), five times per span.
    /// </summary>
    static JsonElement Element(ReadOnlySpan<byte> utf8)
    {
        var reader = new Utf8JsonReader(utf8);
        var element = JsonElement.ParseValue(ref reader);
        if (reader.Read()) throw new JsonException("More than one JSON value.");
        return element;
    }

    static string Unescape(string value) => Uri.UnescapeDataString(value.Replace('+', ' '));

    /// <summary>A body attribute: its JSON when it holds JSON text, else the text itself as a JSON string.</summary>
    static JsonElement? Body(string? text)
    {
        if (text is null) return null;
        var utf8 = Encoding.UTF8.GetBytes(text);
        // Plain text (an HTML page, "Internal Server Error") is common: not worth a failed parse and its exception.
        if (LooksLikeJson(text))
        {
            try
            {
                return Element(utf8);
            }
            catch (JsonException)
            {
            }
        }
        var writer = JsonWriter();
        writer.WriteStringValue(text);
        return Written(writer);
    }

    static bool LooksLikeJson(string text)
    {
        var start = text.AsSpan().TrimStart();
        return start.Length > 0 && start[0] is '{' or '[' or '"' or '-' or (>= '0' and <= '9') or 't' or 'f' or 'n';
    }
}
