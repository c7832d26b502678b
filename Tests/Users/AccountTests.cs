using Arkyn.Tests.Infrastructure;
using Arkyn.Tests.Traffic;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Arkyn.Tests.Users;

/// <summary>Accounts over time: a changed password ends older tokens, a deleted account takes everything of it along.</summary>
public abstract class AccountTests(ArkynApp app) : TrafficTest(app)
{
    /// <summary>A second server on the fixture's database, as a load balancer would have beside the first.</summary>
    sealed class SecondServer(ArkynApp first) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Testing");
            builder.UseSetting("Database:Provider", first.Engine == Engine.Sqlite ? "sqlite" : "postgres");
            builder.UseSetting("ConnectionStrings:Arkyn", first.ConnectionString);
            builder.UseSetting("Logging:LogLevel:Default", "Warning");
        }
    }

    /// <summary>The bound the contract sets for every server sharing the database; polled, so a faster server passes at once.</summary>
    static readonly TimeSpan RevocationBound = TimeSpan.FromSeconds(5);

    static async Task<HttpStatusCode> StatusWithinBoundAsync(HttpClient client, string token, HttpStatusCode wanted)
    {
        var until = DateTime.UtcNow + RevocationBound + TimeSpan.FromSeconds(1);
        while (true)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/user/me");
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
            var status = (await client.SendAsync(request, Ct)).StatusCode;
            if (status == wanted || DateTime.UtcNow > until) return status;
            await Task.Delay(200, Ct);
        }
    }

    [Fact]
    public async Task Changing_the_password_ends_older_tokens_on_every_server()
    {
        var account = await RegisterAsync();
        var other = await RegisterAsync("Other");
        await using var second = new SecondServer(App);
        var secondClient = second.CreateClient();
        Assert.Equal(HttpStatusCode.OK, await StatusWithinBoundAsync(secondClient, account.Token, HttpStatusCode.OK));

        var changed = await SendAsync(HttpMethod.Put, $"/user/{account.Id}/password",
            new { currentPassword = account.Password, newPassword = "a much newer secret" }, account.Token);
        Assert.True(changed.Status == HttpStatusCode.NoContent, changed.Body);

        AssertProblem(await SendAsync(HttpMethod.Get, "/user/me", token: account.Token), HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusWithinBoundAsync(secondClient, account.Token, HttpStatusCode.Unauthorized));
        AssertProblem(await SendAsync(HttpMethod.Post, "/user/auth", new { email = account.Email, password = account.Password }), HttpStatusCode.Unauthorized);
        var auth = await SendAsync(HttpMethod.Post, "/user/auth", new { email = account.Email, password = "a much newer secret" });
        Assert.Equal(HttpStatusCode.OK, auth.Status);
        var fresh = auth.Json["token"]!.GetValue<string>();
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, "/user/me", token: fresh)).Status);
        Assert.Equal(HttpStatusCode.OK, await StatusWithinBoundAsync(secondClient, fresh, HttpStatusCode.OK));
        // Nobody else's tokens are touched.
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, "/user/me", token: other.Token)).Status);
    }

    [Fact]
    public async Task A_bad_password_change_is_refused_naming_the_field_and_changes_nothing()
    {
        var account = await RegisterAsync();
        var other = await RegisterAsync("Other");
        var path = $"/user/{account.Id}/password";

        AssertProblem(await SendAsync(HttpMethod.Put, path, new { currentPassword = "not the password", newPassword = "a much newer secret" }, account.Token),
            HttpStatusCode.BadRequest, "currentPassword");
        AssertProblem(await SendAsync(HttpMethod.Put, path, new { newPassword = "a much newer secret" }, account.Token), HttpStatusCode.BadRequest, "currentPassword");
        AssertProblem(await SendAsync(HttpMethod.Put, path, new { currentPassword = account.Password, newPassword = "short" }, account.Token),
            HttpStatusCode.BadRequest, "newPassword");
        AssertProblem(await SendAsync(HttpMethod.Put, path, new { currentPassword = account.Password }, account.Token), HttpStatusCode.BadRequest, "newPassword");
        AssertProblem(await SendAsync(HttpMethod.Put, "/user/not-a-uuid/password", new { currentPassword = account.Password, newPassword = "a much newer secret" }, account.Token),
            HttpStatusCode.BadRequest, "userId");
        AssertProblem(await SendAsync(HttpMethod.Put, $"/user/{other.Id}/password", new { currentPassword = other.Password, newPassword = "a much newer secret" }, account.Token),
            HttpStatusCode.Forbidden);
        AssertProblem(await SendAsync(HttpMethod.Put, $"/user/{NewId()}/password", new { currentPassword = account.Password, newPassword = "a much newer secret" }, account.Token),
            HttpStatusCode.NotFound);
        AssertProblem(await SendAsync(HttpMethod.Put, path, new { currentPassword = account.Password, newPassword = "a much newer secret" }), HttpStatusCode.BadRequest);

        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, "/user/me", token: account.Token)).Status);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Post, "/user/auth", new { email = account.Email, password = account.Password })).Status);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Post, "/user/auth", new { email = other.Email, password = other.Password })).Status);
    }

    [Fact]
    public async Task Deleting_an_account_removes_its_sources_with_everything_under_them_and_its_memberships()
    {
        var doomed = await CreateTenantAsync("Doomed");
        await CreateTrafficAsync(doomed);
        var second = await CreateSourceAsync(doomed.Account);
        var record = new { domainUrl = "https://api.example.com", pathnameUrl = "/users/1", method = "GET", status = 200, elapsedTime = 5,
            requestHeaders = new { }, queryParams = new { }, responseHeaders = new { } };
        Assert.Equal(HttpStatusCode.Created, (await SendAsync(HttpMethod.Post, $"/http-traffic-record/{second}", record, doomed.Token)).Status);
        Assert.Equal(HttpStatusCode.Created, (await SendAsync(HttpMethod.Post, $"/traffic-source/{second}/ingest-keys", new { name = "agent" }, doomed.Token)).Status);
        var reader = await CreateTenantAsync("Reader");
        var keeper = await CreateTenantAsync("Keeper");
        await CreateTrafficAsync(keeper);
        // The doomed user shares a source with the reader, and reads the keeper's.
        Assert.Equal(HttpStatusCode.Created, (await SendAsync(HttpMethod.Post, $"/traffic-source/{doomed.SourceId}/members",
            new { email = reader.Account.Email, role = "READ_ONLY" }, doomed.Token)).Status);
        Assert.Equal(HttpStatusCode.Created, (await SendAsync(HttpMethod.Post, $"/traffic-source/{keeper.SourceId}/members",
            new { email = doomed.Account.Email, role = "READ_ONLY" }, keeper.Token)).Status);
        var keeperBefore = await ListingsAsync(keeper);
        var keeperPayloads = await PayloadRowsAsync(keeper);

        AssertProblem(await SendAsync(HttpMethod.Delete, $"/user/{keeper.Account.Id}", token: doomed.Token), HttpStatusCode.Forbidden);
        AssertProblem(await SendAsync(HttpMethod.Delete, $"/user/{NewId()}", token: doomed.Token), HttpStatusCode.NotFound);
        AssertProblem(await SendAsync(HttpMethod.Delete, "/user/not-a-uuid", token: doomed.Token), HttpStatusCode.BadRequest, "userId");

        var deleted = await SendAsync(HttpMethod.Delete, $"/user/{doomed.Account.Id}", token: doomed.Token);
        Assert.True(deleted.Status == HttpStatusCode.NoContent, deleted.Body);

        AssertProblem(await SendAsync(HttpMethod.Get, "/user/me", token: doomed.Token), HttpStatusCode.Unauthorized);
        var sources = $"'{doomed.SourceId}', '{second}'";
        Assert.Equal(0, await CountAsync("users", $"id = '{doomed.Account.Id}'"));
        Assert.Equal(0, await CountAsync("traffic_sources", $"user_id = '{doomed.Account.Id}'"));
        foreach (var table in new[] { "domains", "pathnames", "http_traffic", "ingest_keys", "traffic_source_members" })
            Assert.Equal(0, await CountAsync(table, $"traffic_source_id IN ({sources})"));
        Assert.Equal(0, await CountAsync("requests", $"user_id = '{doomed.Account.Id}'"));
        Assert.Equal(0, await CountAsync("responses", $"user_id = '{doomed.Account.Id}'"));
        Assert.Equal(0, await CountAsync("traffic_source_members", $"user_id = '{doomed.Account.Id}'"));

        var readerSources = await SendAsync(HttpMethod.Get, "/traffic-source?pageLimit=100", token: reader.Token);
        Assert.DoesNotContain(doomed.SourceId, readerSources.Body);
        Assert.Equal(keeperBefore, await ListingsAsync(keeper));
        Assert.Equal(keeperPayloads, await PayloadRowsAsync(keeper));
        var members = await SendAsync(HttpMethod.Get, $"/traffic-source/{keeper.SourceId}/members", token: keeper.Token);
        Assert.Equal(0, members.Json["meta"]!["totalItems"]!.GetValue<int>());
    }
}

public sealed class AccountTestsOnSqlite(SqliteApp app) : AccountTests(app), IClassFixture<SqliteApp>;

public sealed class AccountTestsOnPostgres(PostgresApp app) : AccountTests(app), IClassFixture<PostgresApp>;
