using Microsoft.Net.Http.Headers;

namespace Arkyn.Features.Dashboard;

public static class Dashboard
{
    /// <summary>No inline script or style anywhere, nothing from another origin, never framed.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; font-src 'self'; " +
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>
    /// Serves the dashboard: index.html at / (revalidated by ETag on every load) and its files under
    /// /dashboard/{version}/ (cached for a year, the version changes with any file). A middleware rather than endpoints,
    /// so none of it reaches the OpenAPI document; anything else goes on to the API.
    /// </summary>
    public static WebApplication UseDashboard(this WebApplication app)
    {
        var assets = DashboardAssets.Load(typeof(Dashboard).Assembly);
        app.Use((http, next) =>
        {
            var request = http.Request;
            if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method)) return next(http);
            var path = request.Path.Value ?? "";
            if (path is "/" or "/index.html") return ServeAsync(http, assets.Index, "no-cache");
            if (path.StartsWith(assets.BasePath, StringComparison.Ordinal) && assets.Files.TryGetValue(path[assets.BasePath.Length..], out var asset))
                return ServeAsync(http, asset, "public, max-age=31536000, immutable");
            return next(http);
        });
        return app;
    }

    static Task ServeAsync(HttpContext http, DashboardAsset asset, string cacheControl)
    {
        var (encoding, bytes) = Encode(http.Request, asset);
        var etag = $"\"{asset.Hash}{(encoding is null ? "" : "-" + encoding)}\"";
        var headers = http.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        headers.CacheControl = cacheControl;
        headers.ETag = etag;
        headers.Vary = HeaderNames.AcceptEncoding;
        if (http.Request.Headers.IfNoneMatch.Any(v => v is not null && (v.Split(',').Any(t => t.Trim() == etag) || v.Trim() == "*")))
        {
            http.Response.StatusCode = StatusCodes.Status304NotModified;
            return Task.CompletedTask;
        }
        headers.ContentType = asset.ContentType;
        if (encoding is not null) headers.ContentEncoding = encoding;
        http.Response.ContentLength = bytes.Length;
        return HttpMethods.IsHead(http.Request.Method) ? Task.CompletedTask : http.Response.Body.WriteAsync(bytes, http.RequestAborted).AsTask();
    }

    /// <summary>Brotli when the browser takes it, else gzip, else the plain bytes.</summary>
    static (string? Encoding, byte[] Bytes) Encode(HttpRequest request, DashboardAsset asset)
    {
        var accepted = request.GetTypedHeaders().AcceptEncoding
            .Where(e => e.Quality is null or > 0).Select(e => e.Value.Value).ToHashSet(StringComparer.OrdinalIgnoreCase);
        if (accepted.Contains("br")) return ("br", asset.Brotli);
        if (accepted.Contains("gzip")) return ("gzip", asset.Gzip);
        return (null, asset.Bytes);
    }
}
