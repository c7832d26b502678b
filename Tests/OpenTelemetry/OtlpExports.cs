using System.Globalization;
using Google.Protobuf;

namespace Arkyn.Tests.OpenTelemetry;

/// <summary>A span as a test writes it, to be sent in either OTLP encoding.</summary>
public sealed record TestSpan(string TraceId, string SpanId, int Kind, long StartUnixNano, long EndUnixNano, params (string Key, object Value)[] Attributes);

/// <summary>
/// ExportTraceServiceRequest written by hand in both encodings of OTLP/HTTP, from the field numbers of
/// opentelemetry-proto, and the answers read back: for tests that need the same spans as protobuf and as JSON.
/// </summary>
public static class OtlpExports
{
    public const int KindInternal = 1, KindServer = 2, KindClient = 3;

    /// <summary>OTLP/JSON as the JavaScript exporter writes it: 64-bit integers as strings, int attributes as numbers.</summary>
    public static JsonObject Json(IEnumerable<TestSpan> spans, string service = "shop") => new()
    {
        ["resourceSpans"] = new JsonArray(new JsonObject
        {
            ["resource"] = new JsonObject { ["attributes"] = new JsonArray(Attribute("service.name", service)), ["droppedAttributesCount"] = 0 },
            ["scopeSpans"] = new JsonArray(new JsonObject
            {
                ["scope"] = new JsonObject { ["name"] = "arkyn-tests", ["version"] = "1.0.0" },
                ["spans"] = new JsonArray(spans.Select(s => (JsonNode)new JsonObject
                {
                    ["traceId"] = s.TraceId,
                    ["spanId"] = s.SpanId,
                    ["name"] = "span",
                    ["kind"] = s.Kind,
                    ["startTimeUnixNano"] = s.StartUnixNano.ToString(CultureInfo.InvariantCulture),
                    ["endTimeUnixNano"] = s.EndUnixNano.ToString(CultureInfo.InvariantCulture),
                    ["attributes"] = new JsonArray(s.Attributes.Select(a => (JsonNode)Attribute(a.Key, a.Value)).ToArray()),
                    ["droppedAttributesCount"] = 0,
                    ["events"] = new JsonArray(),
                    ["links"] = new JsonArray(),
                    ["status"] = new JsonObject { ["code"] = 0 },
                    ["flags"] = 1,
                }).ToArray()),
            }),
        }),
    };

    static JsonObject Attribute(string key, object value) => new() { ["key"] = key, ["value"] = Value(value) };

    static JsonObject Value(object value) => value switch
    {
        string s => new JsonObject { ["stringValue"] = s },
        bool b => new JsonObject { ["boolValue"] = b },
        int or long => new JsonObject { ["intValue"] = Convert.ToInt64(value) },
        double d => new JsonObject { ["doubleValue"] = d },
        string[] list => new JsonObject { ["arrayValue"] = new JsonObject { ["values"] = new JsonArray(list.Select(v => (JsonNode)Value(v)).ToArray()) } },
        _ => throw new ArgumentException($"no OTLP value for {value.GetType()}"),
    };

    public static byte[] Protobuf(IEnumerable<TestSpan> spans, string service = "shop")
    {
        var resource = Message(o => Field(o, 1, Message(kv => KeyValue(kv, "service.name", service))));
        var scope = Message(o => { String(o, 1, "arkyn-tests"); String(o, 2, "1.0.0"); });
        var scopeSpans = Message(o =>
        {
            Field(o, 1, scope);
            foreach (var s in spans) Field(o, 2, Span(s));
        });
        var resourceSpans = Message(o => { Field(o, 1, resource); Field(o, 2, scopeSpans); });
        return Message(o => Field(o, 1, resourceSpans));
    }

    static byte[] Span(TestSpan s) => Message(o =>
    {
        Bytes(o, 1, Convert.FromHexString(s.TraceId));
        Bytes(o, 2, Convert.FromHexString(s.SpanId));
        String(o, 5, "span");
        o.WriteTag(6, WireFormat.WireType.Varint);
        o.WriteEnum(s.Kind);
        o.WriteTag(7, WireFormat.WireType.Fixed64);
        o.WriteFixed64((ulong)s.StartUnixNano);
        o.WriteTag(8, WireFormat.WireType.Fixed64);
        o.WriteFixed64((ulong)s.EndUnixNano);
        foreach (var (key, value) in s.Attributes) Field(o, 9, Message(kv => KeyValue(kv, key, value)));
        Field(o, 15, Message(_ => { }));
        o.WriteTag(16, WireFormat.WireType.Fixed32);
        o.WriteFixed32(1);
    });

    static void KeyValue(CodedOutputStream o, string key, object value)
    {
        String(o, 1, key);
        Field(o, 2, AnyValue(value));
    }

    static byte[] AnyValue(object value) => Message(o =>
    {
        switch (value)
        {
            case string s: String(o, 1, s); break;
            case bool b: o.WriteTag(2, WireFormat.WireType.Varint); o.WriteBool(b); break;
            case int or long: o.WriteTag(3, WireFormat.WireType.Varint); o.WriteInt64(Convert.ToInt64(value)); break;
            case double d: o.WriteTag(4, WireFormat.WireType.Fixed64); o.WriteDouble(d); break;
            case string[] list: Field(o, 5, Message(a => { foreach (var v in list) Field(a, 1, AnyValue(v)); })); break;
            default: throw new ArgumentException($"no OTLP value for {value.GetType()}");
        }
    });

    static byte[] Message(Action<CodedOutputStream> write)
    {
        using var buffer = new MemoryStream();
        using (var output = new CodedOutputStream(buffer, leaveOpen: true)) write(output);
        return buffer.ToArray();
    }

    static void Field(CodedOutputStream o, int number, byte[] message) => Bytes(o, number, message);

    static void Bytes(CodedOutputStream o, int number, byte[] bytes)
    {
        o.WriteTag(number, WireFormat.WireType.LengthDelimited);
        o.WriteBytes(ByteString.CopyFrom(bytes));
    }

    static void String(CodedOutputStream o, int number, string value)
    {
        o.WriteTag(number, WireFormat.WireType.LengthDelimited);
        o.WriteString(value);
    }

    /// <summary>ExportTraceServiceResponse: partial_success (1) { rejected_spans (1), error_message (2) }; (0, null) when absent.</summary>
    public static (long Rejected, string? Message) PartialSuccess(byte[] response)
    {
        var input = new CodedInputStream(response);
        (long, string?) result = (0, null);
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            if (tag != 10) { input.SkipLastField(); continue; }
            var inner = new CodedInputStream(input.ReadBytes().ToByteArray());
            result = (0, "");
            while ((tag = inner.ReadTag()) != 0)
                if (tag == 8) result.Item1 = inner.ReadInt64();
                else if (tag == 18) result.Item2 = inner.ReadString();
                else inner.SkipLastField();
        }
        return result;
    }

    /// <summary>google.rpc.Status: code (1), message (2).</summary>
    public static (int Code, string Message) Status(byte[] body)
    {
        var input = new CodedInputStream(body);
        var (code, message) = (0, "");
        uint tag;
        while ((tag = input.ReadTag()) != 0)
            if (tag == 8) code = input.ReadInt32();
            else if (tag == 18) message = input.ReadString();
            else input.SkipLastField();
        return (code, message);
    }

    public static string NewTraceId() => Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());

    public static string NewSpanId() => Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()[..8]);
}
