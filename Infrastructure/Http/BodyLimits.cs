using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;

namespace Arkyn.Infrastructure.Http;

/// <summary>Marks a route whose body may be as large as Ingest:MaxBatchBytes instead of Api:MaxRequestBodyBytes.</summary>
public sealed class LargeBody
{
    public static readonly LargeBody Instance = new();
}

/// <summary>Marks a POST that takes no body (POST /webhooks/:webhookId/test): one sent without a body is not refused.</summary>
public sealed class NoBody
{
    public static readonly NoBody Instance = new();
}

public static class BodyLimits
{
    /// <summary>
    /// Body size limits, counted on the uncompressed body, and gzip request bodies. A declared length over the limit
    /// is refused at once; a chunked or compressed body is cut off with a 413 when it reads past the limit. A body
    /// without a Content-Type is a 415 on routes that take JSON. On the ingest routes a body is admitted only within
    /// the bytes-in-flight budget (503 with Retry-After otherwise). Every answer given before the body was read to its
    /// end says whether the connection stays open (<see cref="ConnectionReuse"/>).
    /// </summary>
    public static IApplicationBuilder UseBodyLimits(this IApplicationBuilder app, ApiSettings api, IngestSettings ingest)
    {
        var budget = app.ApplicationServices.GetRequiredService<BytesInFlight>();
        long LimitFor(HttpContext http) =>
            http.GetEndpoint()?.Metadata.GetMetadata<LargeBody>() is not null ? ingest.MaxBatchBytes : api.MaxRequestBodyBytes;

        app.Use(async (http, next) =>
        {
            var request = http.Request;
            var limit = LimitFor(http);
            var state = new RequestBodyState { Encoded = request.Headers.ContentEncoding.Count > 0 };
            http.Features.Set(state);
            if (HasBody(http))
            {
                request.Body = new WireBodyStream(request.Body, state, request.ContentLength);
                ConnectionReuse.CloseWhenUndrainable(http, state, Math.Min(limit, api.MaxRequestBodyBytes));
            }
            else state.Finished = true;

            var endpoint = http.GetEndpoint();
            if (request.ContentLength > limit)
            {
                await Problem.WriteAsync(http, StatusCodes.Status413PayloadTooLarge, TooLarge(limit));
                return;
            }
            if (IsBodyless(request) && request.ContentType is null && endpoint is not null && endpoint.Metadata.GetMetadata<NoBody>() is null)
            {
                await Problem.WriteAsync(http, StatusCodes.Status400BadRequest, "A JSON request body is required.");
                return;
            }
            // A Content-Type that no route takes is the router's 415; a missing one reaches the endpoint, which would answer an empty 415.
            if (!state.Finished && string.IsNullOrEmpty(request.ContentType) && endpoint?.Metadata.GetMetadata<IAcceptsMetadata>() is { ContentTypes.Count: > 0 } accepts)
            {
                await Problem.WriteAsync(http, StatusCodes.Status415UnsupportedMediaType,
                    $"The request body has no Content-Type: send it as {string.Join(" or ", accepts.ContentTypes)}.");
                return;
            }
            if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } kestrel)
                kestrel.MaxRequestBodySize = limit;
            if (state.Finished || endpoint?.Metadata.GetMetadata<Auth.IngestKeyAllowed>() is null)
            {
                await next(http);
                return;
            }
            using var lease = budget.TryAdmit(request.ContentLength);
            if (lease is null)
            {
                http.Response.Headers.RetryAfter = "1";
                await Problem.WriteAsync(http, StatusCodes.Status503ServiceUnavailable,
                    $"The server is reading as many request bodies as {BytesInFlight.Key} allows; retry after 1 s.");
                return;
            }
            state.Lease = lease;
            await next(http);
        });
        app.UseRequestDecompression();
        return app.Use((http, next) =>
        {
            http.Request.Body = new LimitedReadStream(http.Request.Body, LimitFor(http), http.Features.Get<RequestBodyState>()!);
            return next(http);
        });
    }

    public static string TooLarge(long limit) => $"The request body is larger than {limit} bytes.";

    static bool HasBody(HttpContext http) =>
        http.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody
        ?? (http.Request.ContentLength > 0 || http.Request.Headers.TransferEncoding.Count > 0);

    static bool IsBodyless(HttpRequest request) =>
        (HttpMethods.IsPost(request.Method) || HttpMethods.IsPut(request.Method) || HttpMethods.IsPatch(request.Method))
        && request.ContentLength is null or 0 && !request.Headers.TransferEncoding.Any(v => v?.Contains("chunked") == true);

    /// <summary>
    /// Counts what is read (after decompression) and fails with 413 past the limit, or 400 when the body cannot be
    /// decompressed or is gzip sent without its Content-Encoding.
    /// </summary>
    sealed class LimitedReadStream(Stream inner, long limit, RequestBodyState state) : Stream
    {
        long read;

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
        {
            try
            {
                var n = await inner.ReadAsync(buffer, ct);
                return Count(buffer.Span, n);
            }
            catch (InvalidDataException)
            {
                throw NotDecompressible();
            }
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) => ReadAsync(buffer.AsMemory(offset, count), ct).AsTask();

        public override int Read(byte[] buffer, int offset, int count)
        {
            try
            {
                return Count(buffer.AsSpan(offset), inner.Read(buffer, offset, count));
            }
            catch (InvalidDataException)
            {
                throw NotDecompressible();
            }
        }

        /// <summary>Only a decompression stream throws this: the client sent a Content-Encoding its bytes do not follow.</summary>
        static BadHttpRequestException NotDecompressible() =>
            new("The request body does not match its Content-Encoding.", StatusCodes.Status400BadRequest);

        int Count(ReadOnlySpan<byte> buffer, int n)
        {
            if (read == 0 && n >= 2 && buffer[0] == 0x1F && buffer[1] == 0x8B && !state.Encoded)
                throw new BadHttpRequestException("The request body is gzip-compressed: send it with Content-Encoding: gzip.", StatusCodes.Status400BadRequest);
            read += n;
            state.Lease?.Reached(read);
            if (read > limit) throw new BadHttpRequestException(TooLarge(limit), StatusCodes.Status413PayloadTooLarge);
            return n;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => read; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
