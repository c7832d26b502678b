using System.IO.Compression;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using Arkyn.Tests.Infrastructure;
using LinqToDB.Data;
using Microsoft.Extensions.DependencyInjection;

namespace Arkyn.Tests.Ingest;

/// <summary>
/// Helpers shared by the ingest tests: a tenant (a user, one traffic source and one ingest key of it), records
/// built as JSON, gzip bodies, and what a tenant holds in the database. The helpers take an optional client and
/// app so that tests running on an app of their own (other limits, a rate limit) can use them too.
/// </summary>
public abstract class IngestTest(ArkynApp app) : ApiTest(app)
{
    /// <summary>A user with one traffic source and one ingest key for it.</summary>
    public sealed record Tenant(Account Owner, string SourceId, string KeyId, string Key);

    /// <summary>What a tenant holds: domains and pathnames of its source, requests and responses of its user, traffic of its source.</summary>
    public sealed record Footprint(int Domains, int Pathnames, int Requests, int Responses, int Traffic);

    protected static readonly string[] HttpTrafficFields =
        ["id", "status", "method", "level", "elapsedTime", "trafficUserId", "trafficSourceId", "domainId", "pathnameId", "requestId", "responseId", "createdAt"];

    protected static readonly string[] RecordViewFields = [.. HttpTrafficFields, "domain", "protocol", "pathname", "request", "response"];

    protected async Task<Reply> SendOnAsync(HttpClient client, HttpMethod method, string path, HttpContent? content, string? token = null,
        Action<HttpRequestMessage>? configure = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        configure?.Invoke(request);
        var response = await client.SendAsync(request, Ct);
        return new Reply(response.StatusCode, await response.Content.ReadAsStringAsync(Ct), response);
    }

    protected static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    protected static StringContent Json(JsonNode node) => Json(node.ToJsonString());

    /// <summary>The JSON text gzip-compressed, sent as application/json with Content-Encoding: gzip.</summary>
    protected static ByteArrayContent Gzip(string json)
    {
        using var buffer = new MemoryStream();
        using (var zip = new GZipStream(buffer, CompressionLevel.Optimal, leaveOpen: true))
            zip.Write(Encoding.UTF8.GetBytes(json));
        var content = new ByteArrayContent(buffer.ToArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        content.Headers.ContentEncoding.Add("gzip");
        return content;
    }

    protected Task<Reply> PostAsync(string path, JsonNode body, string? token, HttpClient? client = null) =>
        SendOnAsync(client ?? Client, HttpMethod.Post, path, Json(body), token);

    protected Task<Reply> PostRecordAsync(Tenant t, JsonNode record, string? token = null, HttpClient? client = null) =>
        PostAsync($"/http-traffic-record/{t.SourceId}", record, token ?? t.Key, client);

    protected Task<Reply> PostBatchAsync(Tenant t, IEnumerable<JsonNode?> records, string? token = null, HttpClient? client = null) =>
        PostAsync($"/http-traffic-record/{t.SourceId}/batch", new JsonObject { ["records"] = new JsonArray(records.ToArray()) }, token ?? t.Key, client);

    protected async Task<Account> RegisterOnAsync(HttpClient client, string name = "Ingest Owner")
    {
        var email = $"ingest-{Guid.NewGuid():N}@example.com";
        const string password = "correct horse battery";
        var created = await PostAsync("/user", new JsonObject { ["name"] = name, ["email"] = email, ["password"] = password }, null, client);
        Assert.True(created.Status == HttpStatusCode.Created, created.Body);
        var auth = await PostAsync("/user/auth", new JsonObject { ["email"] = email, ["password"] = password }, null, client);
        Assert.True(auth.Status == HttpStatusCode.OK, auth.Body);
        return new Account(created.Json["id"]!.GetValue<string>(), email, password, auth.Json["token"]!.GetValue<string>());
    }

    protected async Task<string> CreateSourceAsync(Account owner, HttpClient? client = null)
    {
        var reply = await PostAsync("/traffic-source",
            new JsonObject { ["name"] = "Shop", ["trafficDomain"] = $"shop-{Guid.NewGuid():N}.example.com" }, owner.Token, client);
        Assert.True(reply.Status == HttpStatusCode.Created, reply.Body);
        return reply.Json["id"]!.GetValue<string>();
    }

    /// <summary>POST /traffic-source/:id/ingest-keys, asserting the 201.</summary>
    protected async Task<JsonNode> CreateKeyAsync(Account owner, string sourceId, string name = "production agent", HttpClient? client = null)
    {
        var reply = await PostAsync($"/traffic-source/{sourceId}/ingest-keys", new JsonObject { ["name"] = name }, owner.Token, client);
        Assert.True(reply.Status == HttpStatusCode.Created, reply.Body);
        return reply.Json;
    }

    protected async Task<Tenant> TenantAsync(HttpClient? client = null)
    {
        client ??= Client;
        var owner = await RegisterOnAsync(client);
        var sourceId = await CreateSourceAsync(owner, client);
        var key = await CreateKeyAsync(owner, sourceId, client: client);
        return new Tenant(owner, sourceId, key["id"]!.GetValue<string>(), key["key"]!.GetValue<string>());
    }

    static readonly ConditionalWeakTable<ArkynApp, Task<Tenant>> sharedTenants = new();

    /// <summary>One tenant per app for tests that store nothing (validation), to keep them fast.</summary>
    protected Task<Tenant> SharedTenantAsync()
    {
        lock (sharedTenants) return sharedTenants.GetValue(App, _ => TenantAsync());
    }

    /// <summary>A valid record; tests change what they are about.</summary>
    protected static JsonObject Record(string? id = null, string domainUrl = "https://api.example.com", string pathnameUrl = "/users/42",
        string method = "GET", int status = 200)
    {
        var record = new JsonObject();
        if (id is not null) record["id"] = id;
        record["domainUrl"] = domainUrl;
        record["pathnameUrl"] = pathnameUrl;
        record["method"] = method;
        record["status"] = status;
        record["elapsedTime"] = 12.5;
        record["trafficUserId"] = "user-456";
        record["requestHeaders"] = new JsonObject { ["accept"] = "application/json" };
        record["requestBody"] = null;
        record["queryParams"] = new JsonObject { ["page"] = "1" };
        record["responseHeaders"] = new JsonObject { ["content-type"] = "application/json" };
        record["responseBody"] = new JsonObject { ["id"] = 42, ["name"] = "Ada" };
        return record;
    }

    protected static string NewId() => Guid.CreateVersion7().ToString();

    protected async Task<T> ScalarOnAsync<T>(ArkynApp app, string sql)
    {
        await using var db = new DataConnection(app.Services.GetRequiredService<LinqToDB.DataOptions>());
        return await db.ExecuteAsync<T>(sql, Ct);
    }

    protected async Task<Footprint> FootprintAsync(Tenant t, ArkynApp? app = null)
    {
        app ??= App;
        async Task<int> Count(string table, string column, string value) =>
            await ScalarOnAsync<int>(app, $"SELECT COUNT(*) FROM {table} WHERE {column} = '{value}'");
        return new Footprint(
            await Count("domains", "traffic_source_id", t.SourceId),
            await Count("pathnames", "traffic_source_id", t.SourceId),
            await Count("requests", "user_id", t.Owner.Id),
            await Count("responses", "user_id", t.Owner.Id),
            await Count("http_traffic", "traffic_source_id", t.SourceId));
    }

    protected static void AssertStatus(HttpStatusCode expected, Reply reply) =>
        Assert.True(reply.Status == expected, $"expected {(int)expected}, got {(int)reply.Status}: {reply.Body}");

    protected static string Str(JsonNode? node) => node!.GetValue<string>();
}
