using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace Arkyn.Features.OpenTelemetry.Traces;

/// <summary>
/// Reads an ExportTraceServiceRequest in the protobuf encoding: only the fields the mapping uses, by the field numbers
/// of opentelemetry-proto (collector/trace/v1, trace/v1, common/v1), with Google.Protobuf's parser. Every other field
/// is skipped, as protobuf readers skip unknown fields. A body that is not a well-formed message throws
/// <see cref="InvalidProtocolBufferException"/>.
/// </summary>
public static class ProtobufExport
{
    public static List<ExportedSpan> Read(ReadOnlySpan<byte> body)
    {
        var request = new ExportTraceServiceRequest();
        request.MergeFrom(body);
        return request.Spans;
    }

    /// <summary>A message that is only ever parsed. Unknown fields are skipped rather than kept.</summary>
    abstract class ReadOnlyMessage : IBufferMessage
    {
        public abstract void InternalMergeFrom(ref ParseContext ctx);

        public void MergeFrom(CodedInputStream input) => input.ReadRawMessage(this);
        public void InternalWriteTo(ref WriteContext ctx) => throw new NotSupportedException();
        public void WriteTo(CodedOutputStream output) => throw new NotSupportedException();
        public int CalculateSize() => throw new NotSupportedException();
        public MessageDescriptor Descriptor => throw new NotSupportedException();

        protected static void Skip(ref ParseContext ctx, uint tag)
        {
            switch (WireFormat.GetTagWireType(tag))
            {
                case WireFormat.WireType.Varint: ctx.ReadUInt64(); break;
                case WireFormat.WireType.Fixed64: ctx.ReadFixed64(); break;
                case WireFormat.WireType.Fixed32: ctx.ReadFixed32(); break;
                case WireFormat.WireType.LengthDelimited: ctx.ReadBytes(); break;
                default: throw new InvalidDataException($"Unsupported wire type in tag {tag}.");
            }
        }
    }

    /// <summary>ExportTraceServiceRequest: resource_spans = 1.</summary>
    sealed class ExportTraceServiceRequest : ReadOnlyMessage
    {
        public List<ExportedSpan> Spans { get; } = [];

        public override void InternalMergeFrom(ref ParseContext ctx)
        {
            var resourceSpans = new ResourceSpans(Spans);
            uint tag;
            while ((tag = ctx.ReadTag()) != 0)
                if (tag == 10) ctx.ReadMessage(resourceSpans);
                else Skip(ref ctx, tag);
        }
    }

    /// <summary>ResourceSpans: scope_spans = 2 (the resource itself maps to nothing).</summary>
    sealed class ResourceSpans(List<ExportedSpan> spans) : ReadOnlyMessage
    {
        readonly ScopeSpans scopeSpans = new(spans);

        public override void InternalMergeFrom(ref ParseContext ctx)
        {
            uint tag;
            while ((tag = ctx.ReadTag()) != 0)
                if (tag == 18) ctx.ReadMessage(scopeSpans);
                else Skip(ref ctx, tag);
        }
    }

    /// <summary>ScopeSpans: spans = 2.</summary>
    sealed class ScopeSpans(List<ExportedSpan> spans) : ReadOnlyMessage
    {
        public override void InternalMergeFrom(ref ParseContext ctx)
        {
            uint tag;
            while ((tag = ctx.ReadTag()) != 0)
            {
                if (tag != 18)
                {
                    Skip(ref ctx, tag);
                    continue;
                }
                var span = new Span();
                ctx.ReadMessage(span);
                spans.Add(span.Read);
            }
        }
    }

    /// <summary>Span: trace_id = 1, span_id = 2, kind = 6, start_time_unix_nano = 7, end_time_unix_nano = 8, attributes = 9.</summary>
    sealed class Span : ReadOnlyMessage
    {
        public ExportedSpan Read { get; } = new();

        public override void InternalMergeFrom(ref ParseContext ctx)
        {
            var attribute = new KeyValue();
            uint tag;
            while ((tag = ctx.ReadTag()) != 0)
            {
                switch (tag)
                {
                    case 10: Read.TraceId = ctx.ReadBytes().ToByteArray(); break;
                    case 18: Read.SpanId = ctx.ReadBytes().ToByteArray(); break;
                    case 48: Read.Kind = ctx.ReadEnum(); break;
                    case 57: Read.StartTimeUnixNano = ctx.ReadFixed64(); break;
                    case 65: Read.EndTimeUnixNano = ctx.ReadFixed64(); break;
                    case 74:
                        attribute.Clear();
                        ctx.ReadMessage(attribute);
                        if (attribute.Key is { } key) Read.Attributes[key] = attribute.Value.Value;
                        break;
                    default: Skip(ref ctx, tag); break;
                }
            }
        }
    }

    /// <summary>KeyValue: key = 1, value = 2.</summary>
    sealed class KeyValue : ReadOnlyMessage
    {
        public string? Key { get; private set; }
        public AnyValue Value { get; } = new();

        public void Clear()
        {
            Key = null;
            Value.Value = null;
        }

        public override void InternalMergeFrom(ref ParseContext ctx)
        {
            uint tag;
            while ((tag = ctx.ReadTag()) != 0)
                if (tag == 10) Key = ctx.ReadString();
                else if (tag == 18) ctx.ReadMessage(Value);
                else Skip(ref ctx, tag);
        }
    }

    /// <summary>
    /// AnyValue: string_value = 1, bool_value = 2, int_value = 3, double_value = 4, array_value = 5 (ArrayValue:
    /// values = 1). kvlist_value = 6 and bytes_value = 7 read as null: no mapped attribute has them.
    /// </summary>
    sealed class AnyValue : ReadOnlyMessage
    {
        public object? Value { get; set; }

        public override void InternalMergeFrom(ref ParseContext ctx)
        {
            uint tag;
            while ((tag = ctx.ReadTag()) != 0)
            {
                switch (tag)
                {
                    case 10: Value = ctx.ReadString(); break;
                    case 16: Value = ctx.ReadBool(); break;
                    case 24: Value = ctx.ReadInt64(); break;
                    case 33: Value = ctx.ReadDouble(); break;
                    case 42:
                        var array = new ArrayValue();
                        ctx.ReadMessage(array);
                        Value = array.Values.ToArray();
                        break;
                    default:
                        Skip(ref ctx, tag);
                        Value = null;
                        break;
                }
            }
        }
    }

    sealed class ArrayValue : ReadOnlyMessage
    {
        public List<object?> Values { get; } = [];

        public override void InternalMergeFrom(ref ParseContext ctx)
        {
            uint tag;
            while ((tag = ctx.ReadTag()) != 0)
            {
                if (tag != 10)
                {
                    Skip(ref ctx, tag);
                    continue;
                }
                var value = new AnyValue();
                ctx.ReadMessage(value);
                Values.Add(value.Value);
            }
        }
    }
}
