using Arkyn.Infrastructure.Database;
using Arkyn.Tests.Infrastructure;
using LinqToDB;
using LinqToDB.Async;
using LinqToDB.Data;
using Microsoft.Extensions.DependencyInjection;

namespace Arkyn.Tests.Traffic;

/// <summary>
/// Helpers for the traffic routes: build a user's sources, domains, pathnames, requests, responses and traffic
/// through HTTP (asserting each step succeeded), and take snapshots of the database and of what a user can list,
/// so a refused call can be shown to have written nothing.
/// </summary>
public abstract class TrafficTest(ArkynApp app) : ApiTest(app)
{
    protected const string ArkynTimestamp = @"^\d{2}/\d{2}/\d{4} at \d{2}:\d{2}:\d{2}$";

    protected static readonly string[] TrafficKeys =
        ["id", "status", "method", "level", "elapsedTime", "trafficUserId", "trafficSourceId", "domainId", "pathnameId", "requestId", "responseId", "createdAt"];

    protected static readonly string[] Tables = ["traffic_sources", "domains", "pathnames", "requests", "responses", "http_traffic"];

    /// <summary>Everything one user needs to post traffic: a source with a domain and a pathname, and an unattached request and response.</summary>
    public sealed record Tenant(Account Account, string SourceId, string DomainId, string PathnameId, string RequestId, string ResponseId)
    {
        public string Token => Account.Token;
    }

    protected static string NewId() => Guid.CreateVersion7().ToString();

    /// <summary>
    /// A new user with a valid token, made without the password hashing of POST /user and POST /user/auth
    /// (about 0.2 s of CPU per account, covered by UserTests): the row goes in through the production table
    /// mapping and the token is signed with the server's own key, as the server signs its tokens.
    /// The published-example test uses the real <see cref="ApiTest.RegisterAsync"/>.
    /// </summary>
    protected async Task<Account> AccountAsync(string name = "Test User")
    {
        var id = NewId();
        var email = $"user-{Guid.NewGuid():N}@example.com";
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await using (var db = new DataConnection(App.Services.GetRequiredService<DataOptions>()))
            await db.InsertAsync(new UserRow
            {
                Id = id, Name = name, Email = email, EmailKey = email.ToUpperInvariant(), PasswordHash = "unusable",
                CreatedAt = now, UpdatedAt = now,
            }, token: Ct);
        var token = Jwt.Sign(id, App.Services.GetSigningKey(), DateTime.UtcNow.AddHours(1));
        var me = await SendAsync(HttpMethod.Get, "/user/me", token: token);
        Assert.True(me.Status == HttpStatusCode.OK, $"GET /user/me with a new account: {(int)me.Status} {me.Body}");
        return new Account(id, email, "", token);
    }

    protected static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    protected async Task<string> CreateSourceAsync(Account account, string? trafficDomain = null, string name = "Shop")
    {
        var reply = await SendAsync(HttpMethod.Post, "/traffic-source", new { name, trafficDomain = trafficDomain ?? $"{Unique("app")}.example.com" }, account.Token);
        Assert.True(reply.Status == HttpStatusCode.Created, $"POST /traffic-source: {(int)reply.Status} {reply.Body}");
        return Id(reply);
    }

    protected async Task<string> CreateDomainAsync(Account account, string sourceId, string? value = null, string protocol = "HTTPS")
    {
        var reply = await SendAsync(HttpMethod.Post, $"/domain/{sourceId}", new { value = value ?? $"{Unique("api")}.example.com", protocol }, account.Token);
        Assert.True(reply.Status == HttpStatusCode.Created, $"POST /domain: {(int)reply.Status} {reply.Body}");
        return Id(reply);
    }

    protected async Task<string> CreatePathnameAsync(Account account, string sourceId, string domainId, string? value = null)
    {
        var reply = await SendAsync(HttpMethod.Post, $"/pathname/{sourceId}/{domainId}", new { value = value ?? $"/{Unique("orders")}" }, account.Token);
        Assert.True(reply.Status == HttpStatusCode.Created, $"POST /pathname: {(int)reply.Status} {reply.Body}");
        return Id(reply);
    }

    protected async Task<string> CreateRequestAsync(Account account)
    {
        var reply = await SendAsync(HttpMethod.Post, "/request",
            new { headers = new Dictionary<string, string> { ["content-type"] = "application/json" }, body = new { item = "book", quantity = 2 }, queryParams = new { page = "1" } },
            account.Token);
        Assert.True(reply.Status == HttpStatusCode.Created, $"POST /request: {(int)reply.Status} {reply.Body}");
        return Id(reply);
    }

    protected async Task<string> CreateResponseAsync(Account account)
    {
        var reply = await SendAsync(HttpMethod.Post, "/response",
            new { headers = new Dictionary<string, string> { ["content-type"] = "application/json" }, body = new { ok = true } }, account.Token);
        Assert.True(reply.Status == HttpStatusCode.Created, $"POST /response: {(int)reply.Status} {reply.Body}");
        return Id(reply);
    }

    protected async Task<Tenant> CreateTenantAsync(string name = "Test User")
    {
        var account = await AccountAsync(name);
        return await CreateTenantAsync(account);
    }

    protected async Task<Tenant> CreateTenantAsync(Account account)
    {
        var source = await CreateSourceAsync(account);
        var domain = await CreateDomainAsync(account, source);
        var pathname = await CreatePathnameAsync(account, source, domain);
        return new Tenant(account, source, domain, pathname, await CreateRequestAsync(account), await CreateResponseAsync(account));
    }

    /// <summary>The body of POST /http-traffic; any id left null is taken from the tenant.</summary>
    protected static object TrafficBody(Tenant t, string? domainId = null, string? pathnameId = null, string? requestId = null, string? responseId = null,
        int status = 200, string method = "GET", double elapsedTime = 12.5, string? trafficUserId = null) => new
    {
        status,
        method,
        elapsedTime,
        trafficUserId,
        domainId = domainId ?? t.DomainId,
        pathnameId = pathnameId ?? t.PathnameId,
        requestId = requestId ?? t.RequestId,
        responseId = responseId ?? t.ResponseId,
    };

    /// <summary>Posts traffic on the given source, domain and pathname with a fresh request and response; returns the created object.</summary>
    protected async Task<JsonNode> CreateTrafficAsync(Account account, string sourceId, string domainId, string pathnameId, int status = 200)
    {
        var requestId = await CreateRequestAsync(account);
        var responseId = await CreateResponseAsync(account);
        var reply = await SendAsync(HttpMethod.Post, $"/http-traffic/{sourceId}",
            new { status, method = "GET", elapsedTime = 3, domainId, pathnameId, requestId, responseId }, account.Token);
        Assert.True(reply.Status == HttpStatusCode.Created, $"POST /http-traffic: {(int)reply.Status} {reply.Body}");
        return reply.Json;
    }

    protected Task<JsonNode> CreateTrafficAsync(Tenant t) => CreateTrafficAsync(t.Account, t.SourceId, t.DomainId, t.PathnameId);

    protected static string Id(Reply reply) => reply.Json["id"]!.GetValue<string>();

    /// <summary>Row counts of every traffic table, in <see cref="Tables"/> order.</summary>
    protected async Task<long[]> CountsAsync()
    {
        var counts = new long[Tables.Length];
        for (var i = 0; i < Tables.Length; i++) counts[i] = await ScalarAsync<long>($"SELECT COUNT(*) FROM {Tables[i]}");
        return counts;
    }

    /// <summary>
    /// Every row of every traffic table as text, in a stable order: equal before and after a call means the call
    /// wrote nothing anywhere (a stronger check than row counts).
    /// </summary>
    protected async Task<string> SnapshotAsync()
    {
        string[] queries =
        [
            "SELECT id || '|' || user_id || '|' || name || '|' || traffic_domain || '|' || created_at || '|' || updated_at FROM traffic_sources ORDER BY 1",
            "SELECT id || '|' || traffic_source_id || '|' || value || '|' || protocol || '|' || created_at FROM domains ORDER BY 1",
            "SELECT id || '|' || traffic_source_id || '|' || domain_id || '|' || value || '|' || created_at FROM pathnames ORDER BY 1",
            "SELECT id || '|' || user_id || '|' || headers || '|' || COALESCE(body, '~') || '|' || body_truncated || '|' || query_params || '|' || created_at FROM requests ORDER BY 1",
            "SELECT id || '|' || user_id || '|' || headers || '|' || COALESCE(body, '~') || '|' || body_truncated || '|' || created_at FROM responses ORDER BY 1",
            "SELECT id || '|' || traffic_source_id || '|' || domain_id || '|' || pathname_id || '|' || request_id || '|' || response_id || '|' || status || '|' || method || '|' || level || '|' || elapsed_time || '|' || COALESCE(traffic_user_id, '~') || '|' || created_at FROM http_traffic ORDER BY 1",
        ];
        await using var db = new DataConnection(App.Services.GetRequiredService<DataOptions>());
        var text = new System.Text.StringBuilder();
        foreach (var sql in queries)
            text.AppendJoin('\n', await db.QueryToListAsync<string>(sql, Ct)).Append("\n--\n");
        return text.ToString();
    }

    protected Task<long> CountAsync(string table, string where) => ScalarAsync<long>($"SELECT COUNT(*) FROM {table} WHERE {where}");

    /// <summary>
    /// Everything the tenant's owner can list about it (with, unless told otherwise, the list of all the owner's
    /// sources), as JSON text: equal before and after means nothing visible changed.
    /// </summary>
    protected async Task<string> ListingsAsync(Tenant t, bool withSources = true)
    {
        var parts = new List<string>();
        var paths = new[] { $"/domain/{t.SourceId}?pageLimit=100", $"/pathname/{t.SourceId}/{t.DomainId}?pageLimit=100", $"/http-traffic/{t.SourceId}?pageLimit=100" };
        foreach (var path in withSources ? ["/traffic-source?pageLimit=100", .. paths] : paths)
        {
            var reply = await SendAsync(HttpMethod.Get, path, token: t.Token);
            Assert.True(reply.Status == HttpStatusCode.OK, $"GET {path}: {(int)reply.Status} {reply.Body}");
            parts.Add(reply.Body);
        }
        return string.Join("\n", parts);
    }

    /// <summary>The stored request and response rows of a tenant's user, as text, to show they were not touched.</summary>
    protected async Task<string> PayloadRowsAsync(Tenant t) =>
        await ScalarAsync<string>($"SELECT COUNT(*) || ':' || COALESCE(MIN(id), '') || ':' || COALESCE(MAX(id), '') FROM requests WHERE user_id = '{t.Account.Id}'") + "|" +
        await ScalarAsync<string>($"SELECT COUNT(*) || ':' || COALESCE(MIN(id), '') || ':' || COALESCE(MAX(id), '') FROM responses WHERE user_id = '{t.Account.Id}'");

    /// <summary>The detail and errors of a problem, as one comparable string.</summary>
    protected static string Shape(JsonNode problem) =>
        $"{problem["status"]} | {problem["title"]} | {problem["detail"]} | {problem["errors"]?.ToJsonString() ?? "-"}";
}
