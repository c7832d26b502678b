namespace Arkyn.Features.OpenTelemetry.Traces;

/// <summary>
/// What the route reads of one OTLP span, whichever encoding carried it. Attribute values are a string, long, double,
/// bool, or object?[] for an array; key/value lists and bytes values are kept as null (nothing maps them).
/// </summary>
public sealed class ExportedSpan
{
    public const int KindServer = 2;
    public const int KindClient = 3;

    public byte[] TraceId { get; set; } = [];
    public byte[] SpanId { get; set; } = [];
    public int Kind { get; set; }
    public ulong StartTimeUnixNano { get; set; }
    public ulong EndTimeUnixNano { get; set; }
    public Dictionary<string, object?> Attributes { get; } = new(32, StringComparer.Ordinal);
}
