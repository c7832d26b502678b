using Arkyn.Infrastructure.Errors;
using Microsoft.AspNetCore.Http.Features;

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
    /// is refused at once; a chunked or compressed body is cut off with a 413 when it reads past the limit.
    /// </summary>
    public static IApplicationBuilder UseBodyLimits(this IApplicationBuilder app, ApiSettings api, IngestSettings ingest)
    {
        long LimitFor(HttpContext http) =>
            http.GetEndpoint()?.Metadata.GetMetadata<LargeBody>() is not null ? ingest.MaxBatchBytes : api.MaxRequestBodyBytes;

        app.Use((http, next) =>
        {
            var limit = LimitFor(http);
            if (http.Request.ContentLength > limit)
                return Problem.WriteAsync(http, StatusCodes.Status413PayloadTooLarge, TooLarge(limit));
            if (IsBodyless(http.Request) && http.Request.ContentType is null && http.GetEndpoint() is { } endpoint
                && endpoint.Metadata.GetMetadata<NoBody>() is null)
                return Problem.WriteAsync(http, StatusCodes.Status400BadRequest, "A JSON request body is required.");
            if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } kestrel)
                kestrel.MaxRequestBodySize = limit;
            return next(http);
        });
        app.UseRequestDecompression();
        return app.Use((http, next) =>
        {
            http.Request.Body = new LimitedReadStream(http.Request.Body, LimitFor(http));
            return next(http);
        });
    }

    public static string TooLarge(long limit) => $"The request body is larger than {limit} bytes.";

    static bool IsBodyless(HttpRequest request) =>
        (HttpMethods.IsPost(request.Method) || HttpMethods.IsPut(request.Method) || HttpMethods.IsPatch(request.Method))
        && request.ContentLength is null or 0 && !request.Headers.TransferEncoding.Any(v => v?.Contains("chunked") == true);

    /// <summary>Counts what is read (after decompression) and fails with 413 past the limit, or 400 when the body cannot be decompressed.</summary>
    sealed class LimitedReadStream(Stream inner, long limit) : Stream
    {
        long read;

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
        {
            try
            {
                return Count(await inner.ReadAsync(buffer, ct));
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
                return Count(inner.Read(buffer, offset, count));
            }
            catch (InvalidDataException)
            {
                throw NotDecompressible();
            }
        }

        /// <summary>Only a decompression stream throws this: the client sent a Content-Encoding its bytes do not follow.</summary>
        static BadHttpRequestException NotDecompressible() =>
            new("The request body does not match its Content-Encoding.", StatusCodes.Status400BadRequest);

        int Count(int n)
        {
            read += n;
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
