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

    /// <summary>
    /// What a tenant holds: the domains, pathnames and traffic of its source, and the requests and responses its key
    /// made or its source's traffic holds (those of its owner's token that are not attached cannot be told apart).
    /// </summary>
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

    /// <summary>
    /// Registers through POST /user. The token is signed with the app's own key (as POST /user/auth would make it)
    /// rather than fetched, which saves a second password hash per account; the user tests cover POST /user/auth.
    /// </summary>
    protected async Task<Account> RegisterOnAsync(HttpClient client, ArkynApp app, string name = "Ingest Owner")
    {
        var email = $"ingest-{Guid.NewGuid():N}@example.com";
        const string password = "correct horse battery";
        var created = await PostAsync("/user", new JsonObject { ["name"] = name, ["email"] = email, ["password"] = password }, null, client);
        Assert.True(created.Status == HttpStatusCode.Created, created.Body);
        var id = created.Json["id"]!.GetValue<string>();
        return new Account(id, email, password, Jwt.Sign(id, app.Services.GetSigningKey(), DateTime.UtcNow.AddHours(1)));
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

    /// <summary>
    /// A new traffic source and key. Registering costs a password hash (a quarter of a second here), so on the class's
    /// app the owner is one account shared by the class's tests, each test getting a source and key of its own;
    /// on a test's own app (app and client given) a new account is registered.
    /// </summary>
    protected async Task<Tenant> TenantAsync(ArkynApp? app = null, HttpClient? client = null, Account? owner = null)
    {
        owner ??= client is null ? await SharedAccountAsync("owner") : await RegisterOnAsync(client, app!);
        var sourceId = await CreateSourceAsync(owner, client);
        var key = await CreateKeyAsync(owner, sourceId, client: client);
        return new Tenant(owner, sourceId, key["id"]!.GetValue<string>(), key["key"]!.GetValue<string>());
    }

    /// <summary>Another user, owner of none of the test's sources.</summary>
    protected Task<Account> StrangerAsync() => SharedAccountAsync("stranger");

    static readonly ConditionalWeakTable<ArkynApp, Dictionary<string, Task<Account>>> sharedAccounts = new();
    static readonly ConditionalWeakTable<ArkynApp, Task<Tenant>> sharedTenants = new();

    /// <summary>One account per role and app; tests keep apart by their own sources and keys.</summary>
    protected Task<Account> SharedAccountAsync(string role)
    {
        lock (sharedAccounts)
        {
            var accounts = sharedAccounts.GetOrCreateValue(App);
            if (!accounts.TryGetValue(role, out var account))
                accounts[role] = account = RegisterOnAsync(Client, App, role == "owner" ? "Ingest Owner" : "Stranger");
            return account;
        }
    }

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
        Task<int> Count(string sql) => ScalarOnAsync<int>(app, sql);
        var bySource = $"traffic_source_id = '{t.SourceId}'";
        string Halves(string column) =>
            $"ingest_key_id IN (SELECT id FROM ingest_keys WHERE {bySource}) OR ingest_key_id = '{t.KeyId}' " +
            $"OR id IN (SELECT {column} FROM http_traffic WHERE {bySource})";
        return new Footprint(
            await Count($"SELECT COUNT(*) FROM domains WHERE {bySource}"),
            await Count($"SELECT COUNT(*) FROM pathnames WHERE {bySource}"),
            await Count($"SELECT COUNT(*) FROM requests WHERE {Halves("request_id")}"),
            await Count($"SELECT COUNT(*) FROM responses WHERE {Halves("response_id")}"),
            await Count($"SELECT COUNT(*) FROM http_traffic WHERE {bySource}"));
    }

    protected static void AssertStatus(HttpStatusCode expected, Reply reply) =>
        Assert.True(reply.Status == expected, $"expected {(int)expected}, got {(int)reply.Status}: {reply.Body}");

    protected static string Str(JsonNode? node) => node!.GetValue<string>();
}
