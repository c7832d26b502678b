using System.Globalization;
using System.Text.Json;

namespace Arkyn.Features.OpenTelemetry.Traces;

/// <summary>
/// Reads an ExportTraceServiceRequest in the OTLP/JSON encoding: lowerCamelCase keys, trace and span ids as hex,
/// 64-bit integers as strings or numbers, enums as numbers (or their names), unknown fields ignored. A body that is
/// not such a document throws <see cref="FormatException"/> (or <see cref="JsonException"/> when it is not JSON).
/// </summary>
public static class JsonExport
{
    const int MaxDepth = 64;

    public static List<ExportedSpan> Read(ReadOnlyMemory<byte> body)
    {
        using var document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = MaxDepth });
        var spans = new List<ExportedSpan>();
        var root = Object(document.RootElement, "the body");
        foreach (var resourceSpans in Items(root, "resourceSpans"))
            foreach (var scopeSpans in Items(Object(resourceSpans, "resourceSpans[]"), "scopeSpans"))
                foreach (var span in Items(Object(scopeSpans, "scopeSpans[]"), "spans"))
                    spans.Add(Span(Object(span, "spans[]")));
        return spans;
    }

    static ExportedSpan Span(JsonElement json)
    {
        var span = new ExportedSpan();
        foreach (var field in json.EnumerateObject())
        {
            switch (field.Name)
            {
                case "traceId": span.TraceId = Hex(field.Value, "traceId"); break;
                case "spanId": span.SpanId = Hex(field.Value, "spanId"); break;
                case "kind": span.Kind = Kind(field.Value); break;
                case "startTimeUnixNano": span.StartTimeUnixNano = UInt64(field.Value, "startTimeUnixNano"); break;
                case "endTimeUnixNano": span.EndTimeUnixNano = UInt64(field.Value, "endTimeUnixNano"); break;
                case "attributes":
                    foreach (var attribute in Elements(field.Value, "attributes"))
                    {
                        var keyValue = Object(attribute, "attributes[]");
                        if (!keyValue.TryGetProperty("key", out var key) || key.ValueKind != JsonValueKind.String)
                            throw new FormatException("attributes[].key must be a string.");
                        span.Attributes[key.GetString()!] = keyValue.TryGetProperty("value", out var value) ? Value(value, 0) : null;
                    }
                    break;
            }
        }
        return span;
    }

    /// <summary>AnyValue: stringValue, boolValue, intValue, doubleValue, arrayValue; kvlistValue and bytesValue read as null.</summary>
    static object? Value(JsonElement json, int depth)
    {
        if (json.ValueKind == JsonValueKind.Null) return null;
        if (depth > MaxDepth) throw new FormatException("Attribute values are nested too deeply.");
        object? value = null;
        foreach (var field in Object(json, "value").EnumerateObject())
        {
            value = field.Name switch
            {
                "stringValue" when field.Value.ValueKind == JsonValueKind.String => field.Value.GetString(),
                "boolValue" when field.Value.ValueKind is JsonValueKind.True or JsonValueKind.False => field.Value.GetBoolean(),
                "intValue" => Int64(field.Value, "intValue"),
                "doubleValue" => Double(field.Value),
                "arrayValue" => Object(field.Value, "arrayValue").TryGetProperty("values", out var values)
                    ? Elements(values, "arrayValue.values").Select(v => Value(v, depth + 1)).ToArray()
                    : System.Array.Empty<object?>(),
                "kvlistValue" or "bytesValue" => null,
                "stringValue" or "boolValue" => throw new FormatException($"{field.Name} has the wrong JSON type."),
                _ => value,
            };
        }
        return value;
    }

    static JsonElement Object(JsonElement json, string what) =>
        json.ValueKind == JsonValueKind.Object ? json : throw new FormatException($"{what} must be a JSON object.");

    /// <summary>The items of an array field; an absent or null field has none.</summary>
    static IEnumerable<JsonElement> Items(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var value) ? Elements(value, name) : [];

    static IEnumerable<JsonElement> Elements(JsonElement value, string name) => value.ValueKind switch
    {
        JsonValueKind.Array => value.EnumerateArray(),
        JsonValueKind.Null => [],
        _ => throw new FormatException($"{name} must be a JSON array."),
    };

    static byte[] Hex(JsonElement json, string name)
    {
        if (json.ValueKind != JsonValueKind.String) throw new FormatException($"{name} must be a hex string.");
        try
        {
            return Convert.FromHexString(json.GetString()!);
        }
        catch (FormatException)
        {
            throw new FormatException($"{name} must be a hex string.");
        }
    }

    static readonly string[] KindNames =
        ["SPAN_KIND_UNSPECIFIED", "SPAN_KIND_INTERNAL", "SPAN_KIND_SERVER", "SPAN_KIND_CLIENT", "SPAN_KIND_PRODUCER", "SPAN_KIND_CONSUMER"];

    static int Kind(JsonElement json) => json.ValueKind switch
    {
        JsonValueKind.Number when json.TryGetInt32(out var kind) => kind,
        JsonValueKind.String => System.Array.IndexOf(KindNames, json.GetString()) is var index and >= 0 ? index : 0,
        _ => throw new FormatException("kind must be a number."),
    };

    static ulong UInt64(JsonElement json, string name) => json.ValueKind switch
    {
        JsonValueKind.Number when json.TryGetUInt64(out var n) => n,
        JsonValueKind.String when ulong.TryParse(json.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) => n,
        _ => throw new FormatException($"{name} must be an unsigned 64-bit integer, as a string or a number."),
    };

    static long Int64(JsonElement json, string name) => json.ValueKind switch
    {
        JsonValueKind.Number when json.TryGetInt64(out var n) => n,
        JsonValueKind.String when long.TryParse(json.GetString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) => n,
        _ => throw new FormatException($"{name} must be a 64-bit integer, as a string or a number."),
    };

    static double Double(JsonElement json) => json.ValueKind switch
    {
        JsonValueKind.Number => json.GetDouble(),
        JsonValueKind.String when double.TryParse(json.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
        _ => throw new FormatException("doubleValue must be a number."),
    };
}
