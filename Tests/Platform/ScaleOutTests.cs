using System.Net.Http.Headers;
using System.Net.Http.Json;
using Arkyn.Tests.Infrastructure;

namespace Arkyn.Tests.Platform;

/// <summary>
/// Several servers, one PostgreSQL: two real server processes (the Arkyn.dll of this build, on free ports) on the
/// fixture's database take writes at once, and each reads back everything both stored. PostgreSQL only: that is the
/// supported way to run more than one server (a SQLite file belongs to one server).
/// </summary>
public sealed class ScaleOutTestsOnPostgres(PostgresApp app) : ApiTest(app), IClassFixture<PostgresApp>
{
    static async Task<Reply> CallAsync(HttpClient client, HttpMethod method, string path, object? body, string? token)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var response = await client.SendAsync(request, Ct);
        return new Reply(response.StatusCode, await response.Content.ReadAsStringAsync(Ct), response);
    }

    static object Record(string id, string server, int i, string pathname) => new
    {
        id, timestamp = DateTimeOffset.UtcNow.AddSeconds(-i).ToString("O"), domainUrl = $"https://{server}.example.com", pathnameUrl = pathname,
        method = "POST", status = 200 + i % 3, elapsedTime = i, requestHeaders = new { }, queryParams = new { }, responseHeaders = new { },
    };

    [Fact]
    public async Task Two_server_processes_on_one_database_ingest_at_once_and_each_reads_everything_back()
    {
        await using var a = await ServerProcess.StartAsync(Engine.Postgres, App.ConnectionString);
        await using var b = await ServerProcess.StartAsync(Engine.Postgres, App.ConnectionString);

        var email = $"user-{Guid.NewGuid():N}@example.com";
        Assert.Equal(HttpStatusCode.Created, (await CallAsync(a.Client, HttpMethod.Post, "/user", new { name = "Ada", email, password = "correct horse" }, null)).Status);
        // Signed in on one server, the token works on the other: the signing key is kept in the shared database.
        var token = (await CallAsync(b.Client, HttpMethod.Post, "/user/auth", new { email, password = "correct horse" }, null)).Json["token"]!.GetValue<string>();
        var source = await CallAsync(a.Client, HttpMethod.Post, "/traffic-source", new { name = "Shop", trafficDomain = "shop.example.com" }, token);
        Assert.Equal(HttpStatusCode.Created, source.Status);
        var sourceId = source.Json["id"]!.GetValue<string>();
        var key = (await CallAsync(b.Client, HttpMethod.Post, $"/traffic-source/{sourceId}/ingest-keys", new { name = "agent" }, token)).Json["key"]!.GetValue<string>();

        // Both servers at once, four concurrent clients each, one record per call plus a batch each; both find or
        // create the same domains and pathnames concurrently, each client and batch in its own order, so that the two
        // servers' transactions deadlock on them now and then and PostgreSQL aborts one.
        var sent = new System.Collections.Concurrent.ConcurrentBag<string>();
        async Task IngestAsync(ServerProcess server, string name, int client)
        {
            for (var i = 0; i < 25; i++)
            {
                var id = Guid.CreateVersion7().ToString();
                var reply = await CallAsync(server.Client, HttpMethod.Post, $"/http-traffic-record/{sourceId}", Record(id, i % 2 == 0 ? "api" : name, client * 25 + i, $"/items/{(i * 7 + client * 13) % 50}"), key);
                Assert.True(reply.Status == HttpStatusCode.Created, $"{name}: {(int)reply.Status} {reply.Body}");
                sent.Add(id);
            }
        }
        async Task BatchAsync(ServerProcess server, string name)
        {
            var ids = Enumerable.Range(0, 200).Select(_ => Guid.CreateVersion7().ToString()).ToList();
            var reply = await CallAsync(server.Client, HttpMethod.Post, $"/http-traffic-record/{sourceId}/batch",
                new { records = ids.Select((id, i) => Record(id, "api", i, $"/items/{(name == "a" ? i % 50 : 49 - i % 50)}")) }, key);
            Assert.True(reply.Status == HttpStatusCode.MultiStatus, reply.Body);
            Assert.Equal(200, reply.Json["successes"]!.AsArray().Count);
            foreach (var id in ids) sent.Add(id);
        }
        await Task.WhenAll(
            [.. Enumerable.Range(0, 4).Select(c => IngestAsync(a, "a", c)), .. Enumerable.Range(4, 4).Select(c => IngestAsync(b, "b", c)),
             BatchAsync(a, "a"), BatchAsync(b, "b")]);
        Assert.Equal(600, sent.Count);

        foreach (var (server, name) in new[] { (a, "a"), (b, "b") })
        {
            var seen = new List<string>();
            string? cursor = null;
            do
            {
                var page = await CallAsync(server.Client, HttpMethod.Get,
                    $"/http-traffic-record/{sourceId}?pageLimit=100{(cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}")}", null, token);
                Assert.True(page.Status == HttpStatusCode.OK, page.Body);
                seen.AddRange(page.Json["data"]!.AsArray().Select(r => r!["id"]!.GetValue<string>()));
                cursor = page.Json["meta"]!["nextCursor"]?.GetValue<string>();
            }
            while (cursor is not null);
            Assert.Equal(sent.Order(), seen.Order());

            var export = await CallAsync(server.Client, HttpMethod.Get, $"/http-traffic-record/{sourceId}/export", null, token);
            Assert.Equal(600, export.Body.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
            // One domain per value, however many servers created it at once.
            var domains = await CallAsync(server.Client, HttpMethod.Get, $"/domain/{sourceId}?pageLimit=100", null, token);
            Assert.Equal(["a.example.com", "api.example.com", "b.example.com"],
                domains.Json["data"]!.AsArray().Select(d => d!["value"]!.GetValue<string>()).Order());
            Assert.DoesNotContain(server.Output.Split('\n'), l => l.Contains("fail:", StringComparison.Ordinal));
        }
    }
}
