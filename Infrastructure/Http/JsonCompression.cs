using System.IO.Compression;
using Microsoft.AspNetCore.ResponseCompression;

namespace Arkyn.Infrastructure.Http;

/// <summary>
/// Brotli or gzip for the JSON answers of reads, when the client asks for it: a page of 100 record views is ~78 KB of
/// JSON and ~11 KB compressed (the dashboard's traffic page). Only GET answers are compressed: the answers that carry a
/// secret (a new token, ingest key or webhook secret) are all POSTs, so no compressed body mixes a secret with captured,
/// attacker-chosen text (BREACH). Clients that send no Accept-Encoding, like the benchmark's, get the plain bytes.
/// </summary>
public static class JsonCompression
{
    public static IServiceCollection AddJsonCompression(this IServiceCollection services) => services
        .Configure<BrotliCompressionProviderOptions>(o => o.Level = CompressionLevel.Fastest)
        .Configure<GzipCompressionProviderOptions>(o => o.Level = CompressionLevel.Fastest)
        .AddResponseCompression(o =>
        {
            o.EnableForHttps = true;
            o.Providers.Add<BrotliCompressionProvider>();
            o.Providers.Add<GzipCompressionProvider>();
            o.MimeTypes = ["application/json", Problem.ContentType, "application/x-ndjson", "text/csv"];
        });

    public static IApplicationBuilder UseJsonCompression(this IApplicationBuilder app) =>
        app.UseWhen(http => HttpMethods.IsGet(http.Request.Method), reads => reads.UseResponseCompression());
}
