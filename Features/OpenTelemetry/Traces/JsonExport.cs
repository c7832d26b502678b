using System.Buffers.Text;
using System.Globalization;

namespace Arkyn.Features.OpenTelemetry.Traces;

/// <summary>
/// Reads an ExportTraceServiceRequest in the OTLP/JSON encoding: lowerCamelCase keys, trace and span ids as hex,
/// 64-bit integers as strings or numbers, enums as numbers (or their names), unknown fields skipped. Read token by
/// token, without a document of the whole export (an export of 512 spans is about a megabyte of JSON). A body that is
/// not such a document throws <see cref="FormatException"/>, or <see cref="JsonException"/> when it is not JSON.
/// </summary>
public static class JsonExport
{
    const int MaxDepth = 64;

    public static List<ExportedSpan> Read(ReadOnlySpan<byte> body)
    {
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = MaxDepth });
        var spans = new List<ExportedSpan>();
        reader.Read();
        StartObject(ref reader, "the body");
        while (Property(ref reader))
        {
            if (!reader.ValueTextEquals("resourceSpans"u8)) { SkipValue(ref reader); continue; }
            reader.Read();
            if (!StartArray(ref reader, "resourceSpans")) continue;
            while (Item(ref reader))
            {
                if (!StartObject(ref reader, "resourceSpans[]")) continue;
                while (Property(ref reader))
                {
                    if (!reader.ValueTextEquals("scopeSpans"u8)) { SkipValue(ref reader); continue; }
                    reader.Read();
                    if (!StartArray(ref reader, "scopeSpans")) continue;
                    while (Item(ref reader))
                    {
                        if (!StartObject(ref reader, "scopeSpans[]")) continue;
                        while (Property(ref reader))
                        {
                            if (!reader.ValueTextEquals("spans"u8)) { SkipValue(ref reader); continue; }
                            reader.Read();
                            if (!StartArray(ref reader, "spans")) continue;
                            while (Item(ref reader))
                                if (StartObject(ref reader, "spans[]")) spans.Add(Span(ref reader));
                        }
                    }
                }
            }
        }
        if (reader.Read()) throw new FormatException("The body holds more than one JSON value.");
        return spans;
    }

    static ExportedSpan Span(ref Utf8JsonReader reader)
    {
        var span = new ExportedSpan();
        while (Property(ref reader))
        {
            if (reader.ValueTextEquals("traceId"u8)) span.TraceId = Hex(ref reader, "traceId");
            else if (reader.ValueTextEquals("spanId"u8)) span.SpanId = Hex(ref reader, "spanId");
            else if (reader.ValueTextEquals("kind"u8)) span.Kind = Kind(ref reader);
            else if (reader.ValueTextEquals("startTimeUnixNano"u8)) span.StartTimeUnixNano = UInt64(ref reader, "startTimeUnixNano");
            else if (reader.ValueTextEquals("endTimeUnixNano"u8)) span.EndTimeUnixNano = UInt64(ref reader, "endTimeUnixNano");
            else if (reader.ValueTextEquals("attributes"u8))
            {
                reader.Read();
                if (!StartArray(ref reader, "attributes")) continue;
                while (Item(ref reader))
                    if (StartObject(ref reader, "attributes[]")) KeyValue(ref reader, span.Attributes);
            }
            else SkipValue(ref reader);
        }
        return span;
    }

    /// <summary>{ "key": …, "value": AnyValue }; a repeated key keeps its last value.</summary>
    static void KeyValue(ref Utf8JsonReader reader, Dictionary<string, object?> into)
    {
        string? key = null;
        object? value = null;
        while (Property(ref reader))
        {
            if (reader.ValueTextEquals("key"u8))
            {
                reader.Read();
                key = reader.TokenType == JsonTokenType.String ? reader.GetString() : throw new FormatException("attributes[].key must be a string.");
            }
            else if (reader.ValueTextEquals("value"u8))
            {
                reader.Read();
                value = Value(ref reader);
            }
            else SkipValue(ref reader);
        }
        if (key is null) throw new FormatException("attributes[].key is required.");
        into[key] = value;
    }

    /// <summary>AnyValue: stringValue, boolValue, intValue, doubleValue, arrayValue; kvlistValue and bytesValue read as null.</summary>
    static object? Value(ref Utf8JsonReader reader)
    {
        if (!StartObject(ref reader, "value")) return null;
        object? value = null;
        while (Property(ref reader))
        {
            if (reader.ValueTextEquals("stringValue"u8))
            {
                reader.Read();
                value = reader.TokenType == JsonTokenType.String ? reader.GetString() : throw new FormatException("stringValue must be a string.");
            }
            else if (reader.ValueTextEquals("boolValue"u8))
            {
                reader.Read();
                value = reader.TokenType is JsonTokenType.True or JsonTokenType.False ? reader.GetBoolean() : throw new FormatException("boolValue must be true or false.");
            }
            else if (reader.ValueTextEquals("intValue"u8)) value = Int64(ref reader, "intValue");
            else if (reader.ValueTextEquals("doubleValue"u8)) value = Double(ref reader);
            else if (reader.ValueTextEquals("arrayValue"u8))
            {
                reader.Read();
                var values = new List<object?>();
                if (StartObject(ref reader, "arrayValue"))
                    while (Property(ref reader))
                    {
                        if (!reader.ValueTextEquals("values"u8)) { SkipValue(ref reader); continue; }
                        reader.Read();
                        if (!StartArray(ref reader, "arrayValue.values")) continue;
                        while (Item(ref reader)) values.Add(Value(ref reader));
                    }
                value = values.ToArray();
            }
            else
            {
                SkipValue(ref reader);
                value = null;
            }
        }
        return value;
    }

    /// <summary>At a StartObject: true. At null: false (nothing to read). Anything else is the wrong type.</summary>
    static bool StartObject(ref Utf8JsonReader reader, string what) => reader.TokenType switch
    {
        JsonTokenType.StartObject => true,
        JsonTokenType.Null => false,
        _ => throw new FormatException($"{what} must be a JSON object."),
    };

    static bool StartArray(ref Utf8JsonReader reader, string what) => reader.TokenType switch
    {
        JsonTokenType.StartArray => true,
        JsonTokenType.Null => false,
        _ => throw new FormatException($"{what} must be a JSON array."),
    };

    /// <summary>Moves to the next property name of the current object: false at its end.</summary>
    static bool Property(ref Utf8JsonReader reader)
    {
        reader.Read();
        return reader.TokenType == JsonTokenType.PropertyName;
    }

    /// <summary>Moves to the next item of the current array: false at its end.</summary>
    static bool Item(ref Utf8JsonReader reader)
    {
        reader.Read();
        return reader.TokenType != JsonTokenType.EndArray;
    }

    /// <summary>At a property name: skips its value (an unknown field).</summary>
    static void SkipValue(ref Utf8JsonReader reader)
    {
        reader.Read();
        reader.Skip();
    }

    static byte[] Hex(ref Utf8JsonReader reader, string name)
    {
        reader.Read();
        if (reader.TokenType != JsonTokenType.String || reader.ValueIsEscaped) throw new FormatException($"{name} must be a hex string.");
        try
        {
            return Convert.FromHexString(System.Text.Encoding.ASCII.GetString(reader.ValueSpan));
        }
        catch (FormatException)
        {
            throw new FormatException($"{name} must be a hex string.");
        }
    }

    static readonly string[] KindNames =
        ["SPAN_KIND_UNSPECIFIED", "SPAN_KIND_INTERNAL", "SPAN_KIND_SERVER", "SPAN_KIND_CLIENT", "SPAN_KIND_PRODUCER", "SPAN_KIND_CONSUMER"];

    static int Kind(ref Utf8JsonReader reader)
    {
        reader.Read();
        return reader.TokenType switch
        {
            JsonTokenType.Number when reader.TryGetInt32(out var kind) => kind,
            JsonTokenType.String => Array.IndexOf(KindNames, reader.GetString()) is var index and >= 0 ? index : 0,
            _ => throw new FormatException("kind must be a number."),
        };
    }

    static ulong UInt64(ref Utf8JsonReader reader, string name)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.Number && reader.TryGetUInt64(out var number)) return number;
        if (reader.TokenType == JsonTokenType.String && !reader.ValueIsEscaped
            && Utf8Parser.TryParse(reader.ValueSpan, out ulong parsed, out var used) && used == reader.ValueSpan.Length) return parsed;
        throw new FormatException($"{name} must be an unsigned 64-bit integer, as a string or a number.");
    }

    static long Int64(ref Utf8JsonReader reader, string name)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var number)) return number;
        if (reader.TokenType == JsonTokenType.String && !reader.ValueIsEscaped
            && Utf8Parser.TryParse(reader.ValueSpan, out long parsed, out var used) && used == reader.ValueSpan.Length) return parsed;
        throw new FormatException($"{name} must be a 64-bit integer, as a string or a number.");
    }

    static double Double(ref Utf8JsonReader reader)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.Number) return reader.GetDouble();
        // The protobuf JSON mapping writes the special values as strings: "NaN", "Infinity", "-Infinity".
        if (reader.TokenType == JsonTokenType.String && double.TryParse(reader.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d)) return d;
        throw new FormatException("doubleValue must be a number.");
    }
}
