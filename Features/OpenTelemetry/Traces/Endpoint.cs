using System.Buffers;
using System.Security.Claims;
using Google.Protobuf;

namespace Arkyn.Features.OpenTelemetry.Traces;

/// <summary>
/// POST /v1/traces, the OTLP/HTTP trace receiver: every HTTP span of kind SERVER or CLIENT becomes a record of the
/// ingest key's traffic source, stored by <see cref="RecordWriter"/> as a batch is (one transaction per export).
/// </summary>
public sealed class Endpoint(RecordWriter writer) : EndpointWithoutRequest
{
    const int MaxListedRejections = 10;

    public override void Configure()
    {
        Post("/v1/traces");
        Options(b => b.WithMetadata(IngestKeyAllowed.Instance).WithMetadata(LargeBody.Instance).WithMetadata(ExportAnswer.ProtobufErrors.Instance));
        Description(b => b.OperationId("exportTraces").Produces(200, typeof(object), ExportAnswer.JsonType, ExportAnswer.ProtobufType).Problems(400, 401, 403, 413, 415, 429, 503));
        Summary(s =>
        {
            s.Summary = "OTLP/HTTP trace export (ExportTraceServiceRequest as protobuf or JSON, gzip allowed), with an ingest key.";
            s.Description = "HTTP spans of kind SERVER and CLIENT become records of the key's traffic source; other spans are skipped. " +
                "Spans that cannot be stored are counted in partialSuccess. Errors of a protobuf request are a google.rpc.Status message.";
            s.Responses[200] = "Stored: {} or { partialSuccess: { rejectedSpans, errorMessage } }.";
            s.Responses[403] = "Not an ingest key: the key says which traffic source the spans belong to.";
            s.Responses[413] = "The (uncompressed) body is over Ingest:MaxBatchBytes.";
        });
    }

    public override async Task HandleAsync(CancellationToken ct)
    {
        var http = HttpContext;
        if (User.FindFirstValue(IngestKey.SourceIdClaim) is not { } sourceId)
        {
            await Problem.WriteAsync(http, 403, "POST /v1/traces takes an ingest key (Authorization: Bearer ak_…): its traffic source receives the spans.");
            return;
        }
        var protobuf = ExportAnswer.IsProtobuf(http.Request);
        if (!protobuf && !ExportAnswer.IsJson(http.Request))
        {
            await Problem.WriteAsync(http, 415, $"Send the export as {ExportAnswer.ProtobufType} or {ExportAnswer.JsonType}.");
            return;
        }

        List<ExportedSpan> spans;
        var (buffer, length) = (Array.Empty<byte>(), 0);
        try
        {
            (buffer, length) = await ReadBodyAsync(http.Request.Body, http.Request.ContentLength, ct);
            spans = protobuf ? ProtobufExport.Read(buffer.AsSpan(0, length)) : JsonExport.Read(buffer.AsSpan(0, length));
        }
        catch (BadHttpRequestException e)
        {
            await Problem.WriteAsync(http, e.StatusCode, e.Message);
            return;
        }
        catch (Exception e) when (e is InvalidProtocolBufferException or InvalidDataException or JsonException or FormatException)
        {
            await Problem.WriteAsync(http, 400,
                $"The body is not an OTLP ExportTraceServiceRequest in {(protobuf ? "protobuf" : "JSON")}: {e.Message}");
            return;
        }
        finally
        {
            if (buffer.Length > 0) ArrayPool<byte>.Shared.Return(buffer);
        }

        var userId = User.UserId();
        var keyId = User.IngestKeyId();
        var rejections = new List<string>();
        var prepared = new List<PreparedRecord>();
        foreach (var span in spans)
        {
            var mapped = SpanRecord.From(span, sourceId);
            if (mapped.Rejection is not null) rejections.Add(mapped.Rejection);
            else if (mapped.Record is not null)
                prepared.Add(writer.Prepare(sourceId, userId, keyId, mapped.Record) with { PathnameTemplate = mapped.Template });
        }
        if (prepared.Count > 0)
        {
            var outcomes = await writer.WriteManyAsync(prepared, ct);
            for (var i = 0; i < outcomes.Count; i++)
                if (outcomes[i] == WriteOutcome.IdTaken)
                    rejections.Add($"record {prepared[i].Traffic.Id}: this id is already used by a record of another traffic source.");
        }
        await ExportAnswer.SuccessAsync(http, protobuf, rejections.Count, Summarize(rejections), ct);
    }

    static string? Summarize(List<string> rejections) => rejections.Count switch
    {
        0 => null,
        <= MaxListedRejections => string.Join(" ", rejections),
        _ => string.Join(" ", rejections.Take(MaxListedRejections)) + $" … and {rejections.Count - MaxListedRejections} more.",
    };

    /// <summary>The whole body in a pooled buffer (the caller returns it): an export of 512 spans is about half a megabyte.</summary>
    static async Task<(byte[] Buffer, int Length)> ReadBodyAsync(Stream body, long? declared, CancellationToken ct)
    {
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Clamp(declared ?? 0, 16 * 1024, 4 * 1024 * 1024));
        var length = 0;
        try
        {
            int read;
            while ((read = await body.ReadAsync(buffer.AsMemory(length), ct)) > 0)
            {
                length += read;
                if (length < buffer.Length) continue;
                var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                buffer.AsSpan(0, length).CopyTo(larger);
                ArrayPool<byte>.Shared.Return(buffer);
                buffer = larger;
            }
            return (buffer, length);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }
}
