using System.IO.Compression;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Arkyn.Features.Dashboard;
using Arkyn.Tests.Infrastructure;

namespace Arkyn.Tests.Dashboard;

/// <summary>How the dashboard's files are served: from the assembly, cached by content, compressed, under a strict CSP.</summary>
public abstract partial class ServingTests(ArkynApp app) : ApiTest(app)
{
    [GeneratedRegex("src=\"(/dashboard/[0-9a-f]{12}/js/main.js)\"")]
    private static partial Regex MainScript();

    async Task<HttpResponseMessage> GetAsync(string path, string? encoding = null, string? ifNoneMatch = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (encoding is not null) request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue(encoding));
        if (ifNoneMatch is not null) request.Headers.TryAddWithoutValidation("If-None-Match", ifNoneMatch);
        return await Client.SendAsync(request, Ct);
    }

    [Fact]
    public async Task The_page_is_served_at_the_root_with_a_strict_policy_and_revalidated_by_etag()
    {
        var page = await GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType!.MediaType);
        var csp = page.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("default-src 'self'", csp);
        Assert.Contains("script-src 'self'", csp);
        Assert.Contains("style-src 'self'", csp);
        Assert.Contains("frame-ancestors 'none'", csp);
        Assert.DoesNotContain("unsafe", csp);
        Assert.Equal("nosniff", page.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.True(page.Headers.CacheControl!.NoCache);
        var html = await page.Content.ReadAsStringAsync(Ct);
        Assert.DoesNotMatch("<script(?![^>]*\\bsrc=)", html);
        Assert.DoesNotContain("<style", html);
        Assert.DoesNotContain(" style=", html);

        var again = await GetAsync("/", ifNoneMatch: page.Headers.ETag!.Tag);
        Assert.Equal(HttpStatusCode.NotModified, again.StatusCode);
        Assert.Empty(await again.Content.ReadAsByteArrayAsync(Ct));
    }

    [Theory]
    [InlineData("br")]
    [InlineData("gzip")]
    public async Task Files_are_compressed_and_cached_for_good_under_their_content_version(string encoding)
    {
        var html = await (await GetAsync("/")).Content.ReadAsStringAsync(Ct);
        var script = MainScript().Match(html).Groups[1].Value;
        var plain = await GetAsync(script);
        Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
        Assert.Equal("text/javascript", plain.Content.Headers.ContentType!.MediaType);
        Assert.Contains("immutable", plain.Headers.CacheControl!.Extensions.Select(e => e.Name));
        Assert.Equal(TimeSpan.FromDays(365), plain.Headers.CacheControl.MaxAge);
        var bytes = await plain.Content.ReadAsByteArrayAsync(Ct);

        var compressed = await GetAsync(script, encoding);
        Assert.Equal(encoding, compressed.Content.Headers.ContentEncoding.Single());
        Assert.Contains("Accept-Encoding", compressed.Headers.Vary);
        var body = await compressed.Content.ReadAsByteArrayAsync(Ct);
        Assert.True(body.Length < bytes.Length, $"{encoding}: {body.Length} B of {bytes.Length} B");
        using var decoder = encoding == "br" ? (Stream)new BrotliStream(new MemoryStream(body), CompressionMode.Decompress) : new GZipStream(new MemoryStream(body), CompressionMode.Decompress);
        using var decoded = new MemoryStream();
        await decoder.CopyToAsync(decoded, Ct);
        Assert.Equal(bytes, decoded.ToArray());
        Assert.NotEqual(plain.Headers.ETag, compressed.Headers.ETag);
        Assert.Equal(HttpStatusCode.NotModified, (await GetAsync(script, encoding, compressed.Headers.ETag!.Tag)).StatusCode);
    }

    [Fact]
    public async Task Unknown_files_and_other_versions_are_the_APIs_404()
    {
        AssertProblem(await SendAsync(HttpMethod.Get, "/dashboard/000000000000/js/main.js"), HttpStatusCode.NotFound);
        var html = await (await GetAsync("/")).Content.ReadAsStringAsync(Ct);
        var script = MainScript().Match(html).Groups[1].Value;
        AssertProblem(await SendAsync(HttpMethod.Get, script.Replace("main.js", "missing.js")), HttpStatusCode.NotFound);
        AssertProblem(await SendAsync(HttpMethod.Post, "/", new { }), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_dashboard_stays_out_of_the_OpenAPI_document_and_Swagger_still_works()
    {
        var document = await SendAsync(HttpMethod.Get, "/swagger/v1/swagger.json");
        Assert.Equal(HttpStatusCode.OK, document.Status);
        var paths = document.Json["paths"]!.AsObject().Select(p => p.Key).ToList();
        Assert.Contains("/user/registration", paths);
        Assert.DoesNotContain("/", paths);
        Assert.DoesNotContain(paths, p => p.StartsWith("/dashboard", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.OK, (await GetAsync("/swagger/index.html")).StatusCode);
    }

    /// <summary>Captured traffic is rendered as text: no script of the dashboard reaches for an HTML parser.</summary>
    [Fact]
    public void No_script_of_the_dashboard_parses_strings_as_HTML()
    {
        var assets = DashboardAssets.Load(typeof(DashboardAssets).Assembly);
        var scripts = assets.Files.Where(f => f.Key.EndsWith(".js", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(scripts);
        foreach (var (path, asset) in scripts)
        {
            var text = System.Text.Encoding.UTF8.GetString(asset.Bytes);
            foreach (var sink in new[] { "innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function", "DOMParser", "createContextualFragment", "srcdoc" })
                Assert.False(text.Contains(sink, StringComparison.Ordinal), $"{path} uses {sink}");
        }
    }
}

public sealed class ServingTestsOnSqlite(SqliteApp app) : ServingTests(app), IClassFixture<SqliteApp>;

public sealed class ServingTestsOnPostgres(PostgresApp app) : ServingTests(app), IClassFixture<PostgresApp>;
