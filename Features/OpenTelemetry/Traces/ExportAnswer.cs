using Google.Protobuf;

namespace Arkyn.Features.OpenTelemetry.Traces;

/// <summary>
/// OTLP/HTTP answers in the encoding of the request: ExportTraceServiceResponse on success (empty, or with
/// partial_success), and for errors of a protobuf request a google.rpc.Status message.
/// </summary>
public static class ExportAnswer
{
    public const string ProtobufType = "application/x-protobuf";
    public const string JsonType = "application/json";

    public static bool IsProtobuf(HttpRequest request) =>
        request.ContentType is { } type && (MediaType(type) is ProtobufType or "application/protobuf");

    public static bool IsJson(HttpRequest request) => request.ContentType is { } type && MediaType(type) == JsonType;

    static string MediaType(string contentType) => contentType.Split(';')[0].Trim().ToLowerInvariant();

    /// <summary>200 with ExportTraceServiceResponse: partial_success (1) { rejected_spans (1), error_message (2) } when spans were rejected.</summary>
    public static Task SuccessAsync(HttpContext http, bool protobuf, long rejected, string? errorMessage, CancellationToken ct)
    {
        http.Response.StatusCode = StatusCodes.Status200OK;
        if (!protobuf)
        {
            // int64 is written as a string, as the protobuf JSON mapping (and so OTLP/JSON) writes 64-bit integers.
            object body = rejected == 0 && errorMessage is null ? new { } : new { partialSuccess = new { rejectedSpans = rejected.ToString(), errorMessage = errorMessage ?? "" } };
            return http.Response.WriteAsJsonAsync(body, ExportJson.Options, JsonType, ct);
        }
        http.Response.ContentType = ProtobufType;
        if (rejected == 0 && errorMessage is null)
        {
            // An empty ExportTraceServiceResponse: no bytes, but a started response (else it would be answered 204).
            http.Response.ContentLength = 0;
            return http.Response.StartAsync(ct);
        }
        var partial = CodedOutputStream.ComputeInt64Size(rejected) + 1 + CodedOutputStream.ComputeStringSize(errorMessage ?? "") + 1;
        var bytes = new byte[1 + CodedOutputStream.ComputeLengthSize(partial) + partial];
        var output = new CodedOutputStream(bytes);
        output.WriteTag(1, WireFormat.WireType.LengthDelimited);
        output.WriteLength(partial);
        output.WriteTag(1, WireFormat.WireType.Varint);
        output.WriteInt64(rejected);
        output.WriteTag(2, WireFormat.WireType.LengthDelimited);
        output.WriteString(errorMessage ?? "");
        output.CheckNoSpaceLeft();
        return http.Response.Body.WriteAsync(bytes, ct).AsTask();
    }

    /// <summary>google.rpc.Status: code (1), the gRPC code nearest to the HTTP status; message (2).</summary>
    public static byte[] Status(int httpStatus, string message)
    {
        var code = httpStatus switch
        {
            400 or 415 => 3,   // INVALID_ARGUMENT
            401 => 16,         // UNAUTHENTICATED
            403 => 7,          // PERMISSION_DENIED
            404 => 5,          // NOT_FOUND
            413 or 429 => 8,   // RESOURCE_EXHAUSTED
            503 => 14,         // UNAVAILABLE
            _ => 13,           // INTERNAL
        };
        var bytes = new byte[1 + CodedOutputStream.ComputeInt32Size(code) + 1 + CodedOutputStream.ComputeStringSize(message)];
        var output = new CodedOutputStream(bytes);
        output.WriteTag(1, WireFormat.WireType.Varint);
        output.WriteInt32(code);
        output.WriteTag(2, WireFormat.WireType.LengthDelimited);
        output.WriteString(message);
        output.CheckNoSpaceLeft();
        return bytes;
    }

    /// <summary>Errors of a protobuf request, wherever they are answered, as a Status message; JSON requests keep problem+json.</summary>
    public sealed class ProtobufErrors : ErrorBodyFormat
    {
        public static readonly ProtobufErrors Instance = new();

        public override bool AppliesTo(HttpContext http) => IsProtobuf(http.Request);

        public override Task WriteAsync(HttpContext http, int status, string detail)
        {
            http.Response.ContentType = ProtobufType;
            return http.Response.Body.WriteAsync(Status(status, detail)).AsTask();
        }
    }

    static class ExportJson
    {
        public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
        {
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };
    }
}
