using Arkyn.Infrastructure;
using Arkyn.Infrastructure.Database;
using System.Net.Http.Json;
using Arkyn.Tests.Infrastructure;
using LinqToDB.Data;
using Microsoft.Extensions.DependencyInjection;

namespace Arkyn.Tests.Platform;

/// <summary>What every route shares: errors, health, Swagger, migrations, signing keys and configuration.</summary>
public abstract class PlatformTests(ArkynApp app) : ApiTest(app)
{
    [Fact]
    public async Task Malformed_json_and_wrong_types_are_400_problems()
    {
        AssertProblem(await SendRawAsync(HttpMethod.Post, "/user/auth", """{"email": """), HttpStatusCode.BadRequest);
        AssertProblem(await SendRawAsync(HttpMethod.Post, "/user/auth", "nonsense"), HttpStatusCode.BadRequest, "body");
        AssertProblem(await SendRawAsync(HttpMethod.Post, "/user/auth", "[1,2]"), HttpStatusCode.BadRequest, "body");
        AssertProblem(await SendRawAsync(HttpMethod.Post, "/user/auth", """{"email": {"a": 1}, "password": "12345678"}"""), HttpStatusCode.BadRequest, "email");
    }

    [Fact]
    public async Task A_post_without_a_body_is_400()
    {
        AssertProblem(await SendRawAsync(HttpMethod.Post, "/user", null), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Unknown_routes_and_wrong_methods_are_problems()
    {
        AssertProblem(await SendAsync(HttpMethod.Get, "/no-such-route"), HttpStatusCode.NotFound);
        // Not DELETE /user/auth: that is DELETE /user/:userId with a userId that is not a UUID (400).
        AssertProblem(await SendAsync(HttpMethod.Get, "/user/auth"), HttpStatusCode.MethodNotAllowed);
    }

    [Fact]
    public async Task A_body_over_the_limit_is_413_and_stores_nothing()
    {
        var email = $"{Guid.NewGuid():N}@example.com";
        var huge = new string('a', 1_100_000);
        var reply = await SendAsync(HttpMethod.Post, "/user", new { name = huge, email, password = "12345678" });

        AssertProblem(reply, HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal(0, await ScalarAsync<int>($"SELECT COUNT(*) FROM users WHERE email = '{email}'"));
    }

    [Fact]
    public async Task Health_and_readiness_answer_without_a_token()
    {
        var live = await SendAsync(HttpMethod.Get, "/healthz");
        var ready = await SendAsync(HttpMethod.Get, "/readyz");

        Assert.Equal(HttpStatusCode.OK, live.Status);
        Assert.Equal(HttpStatusCode.OK, ready.Status);
        Assert.Equal("Healthy", ready.Json["checks"]!["database"]!.GetValue<string>());
    }

    [Fact]
    public async Task Swagger_documents_every_route_with_bearer_auth_and_error_codes()
    {
        var doc = await SendAsync(HttpMethod.Get, "/swagger/v1/swagger.json");
        Assert.Equal(HttpStatusCode.OK, doc.Status);
        var json = doc.Json;
        Assert.StartsWith("3.", json["openapi"]!.GetValue<string>());
        Assert.NotNull(json["components"]!["securitySchemes"]!["userToken"]);
        var paths = json["paths"]!.AsObject();
        foreach (var path in new[] { "/user", "/user/auth", "/user/me", "/user/{userId}", "/healthz", "/readyz" })
            Assert.True(paths.ContainsKey(path), $"swagger lacks {path}");
        var update = paths["/user/{userId}"]!["put"]!;
        Assert.False(string.IsNullOrEmpty(update["summary"]?.GetValue<string>()));
        foreach (var code in new[] { "200", "400", "401", "403", "404" })
            Assert.NotNull(update["responses"]![code]);

        var ui = await SendAsync(HttpMethod.Get, "/swagger/index.html");
        Assert.Equal(HttpStatusCode.OK, ui.Status);
    }

    [Fact]
    public async Task Migrations_are_recorded_once_and_rerunning_them_changes_nothing()
    {
        var migrator = App.Services.GetRequiredService<Migrator>();
        await migrator.MigrateAsync(Ct);
        await Task.WhenAll(migrator.MigrateAsync(Ct), migrator.MigrateAsync(Ct));

        Assert.Equal(Migrator.All.Count, await ScalarAsync<int>("SELECT COUNT(*) FROM schema_version"));
        Assert.Equal(Migrator.All.Max(m => m.Version), await ScalarAsync<int>("SELECT MAX(version) FROM schema_version"));
    }

    [Fact]
    public async Task Two_instances_migrating_a_fresh_database_at_once_both_start()
    {
        await using var empty = new ArkynApp(App.Engine);
        await empty.InitializeAsync();
        var shared = new Dictionary<string, string?> { ["ConnectionStrings:Arkyn"] = empty.ConnectionString };
        await using var first = new ArkynApp(App.Engine, shared);
        await using var second = new ArkynApp(App.Engine, shared);

        var ready = await Task.WhenAll(
            Task.Run(() => first.CreateClient().GetAsync("/readyz", Ct)),
            Task.Run(() => second.CreateClient().GetAsync("/readyz", Ct)));

        Assert.All(ready, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        await using var db = new DataConnection(first.Services.GetRequiredService<LinqToDB.DataOptions>());
        Assert.Equal(Migrator.All.Count, await db.ExecuteAsync<int>("SELECT COUNT(*) FROM schema_version", Ct));
    }

    [Fact]
    public async Task Upgrading_fills_the_templates_of_pathnames_stored_before_templates_existed()
    {
        await using var old = new ArkynApp(App.Engine);
        await old.InitializeAsync();
        var options = DatabaseSetup.Options(new DatabaseSettings(
            App.Engine == Engine.Sqlite ? DatabaseProvider.Sqlite : DatabaseProvider.Postgres, old.ConnectionString));
        await new Migrator(options, Microsoft.Extensions.Logging.Abstractions.NullLogger<Migrator>.Instance).MigrateAsync(Ct, upTo: 3);
        await using (var db = new DataConnection(options))
        {
            await db.ExecuteAsync("INSERT INTO users (id, name, email, email_key, password_hash, utc, created_at, updated_at) VALUES ('u', 'U', 'u@x', 'U@X', 'h', 0, 0, 0)", Ct);
            await db.ExecuteAsync("INSERT INTO traffic_sources (id, user_id, name, traffic_domain, created_at, updated_at) VALUES ('s', 'u', 'S', 'x', 0, 0)", Ct);
            await db.ExecuteAsync("INSERT INTO domains (id, traffic_source_id, value, protocol, created_at) VALUES ('d', 's', 'x', 'HTTPS', 0)", Ct);
            await db.ExecuteAsync("INSERT INTO pathnames (id, traffic_source_id, domain_id, value, created_at) VALUES ('p', 's', 'd', '/users/42/orders', 0)", Ct);
        }

        await using var upgraded = new ArkynApp(App.Engine, new Dictionary<string, string?> { ["ConnectionStrings:Arkyn"] = old.ConnectionString });
        Assert.Equal(HttpStatusCode.OK, (await upgraded.CreateClient().GetAsync("/readyz", Ct)).StatusCode);

        await using var check = new DataConnection(options);
        Assert.Equal("/users/{id}/orders", await check.ExecuteAsync<string>("SELECT template FROM pathnames WHERE id = 'p'", Ct));
    }

    [Fact]
    public async Task Tokens_survive_a_restart_on_the_same_database()
    {
        var account = await RegisterAsync();
        await using var restarted = new ArkynApp(App.Engine, new Dictionary<string, string?> { ["ConnectionStrings:Arkyn"] = App.ConnectionString });
        await restarted.InitializeAsync();
        using var client = restarted.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", account.Token);

        var me = await client.GetAsync("/user/me", Ct);

        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
    }

    [Fact]
    public async Task Registration_closed_still_lets_the_first_account_in()
    {
        await using var closed = new ArkynApp(App.Engine, new Dictionary<string, string?> { ["Auth:AllowRegistration"] = "false" });
        await closed.InitializeAsync();
        using var client = closed.CreateClient();

        var first = await client.PostAsJsonAsync("/user", new { name = "Owner", email = "owner@example.com", password = "12345678" }, Ct);
        var second = await client.PostAsJsonAsync("/user", new { name = "Guest", email = "guest@example.com", password = "12345678" }, Ct);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, second.StatusCode);
        Assert.Equal("application/problem+json", second.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Racing_first_registrations_let_exactly_one_account_in()
    {
        await using var closed = new ArkynApp(App.Engine, new Dictionary<string, string?> { ["Auth:AllowRegistration"] = "false" });
        await closed.InitializeAsync();
        using var client = closed.CreateClient();

        var replies = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            client.PostAsJsonAsync("/user", new { name = $"U{i}", email = $"first{i}@example.com", password = "12345678" }, Ct)));

        Assert.Single(replies, r => r.StatusCode == HttpStatusCode.Created);
        Assert.All(replies.Where(r => r.StatusCode != HttpStatusCode.Created), r => Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode));
    }

    [Fact]
    public async Task Iso8601_timestamps_when_configured()
    {
        await using var iso = new ArkynApp(App.Engine, new Dictionary<string, string?> { ["Api:DateFormat"] = "iso8601" });
        await iso.InitializeAsync();
        using var client = iso.CreateClient();

        var created = await client.PostAsJsonAsync("/user", new { name = "Iso", email = "iso@example.com", password = "12345678" }, Ct);
        var user = JsonNode.Parse(await created.Content.ReadAsStringAsync(Ct))!;

        Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$", user["createdAt"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_server_fault_is_a_500_problem_that_leaks_no_sql_or_stack()
    {
        await using var broken = new ArkynApp(App.Engine);
        await broken.InitializeAsync();
        using var client = broken.CreateClient();
        await client.PostAsJsonAsync("/user", new { name = "X", email = "x@example.com", password = "12345678" }, Ct);
        var auth = await client.PostAsJsonAsync("/user/auth", new { email = "x@example.com", password = "12345678" }, Ct);
        var token = JsonNode.Parse(await auth.Content.ReadAsStringAsync(Ct))!["token"]!.GetValue<string>();
        await using (var db = new LinqToDB.Data.DataConnection(broken.Services.GetRequiredService<LinqToDB.DataOptions>()))
            await db.ExecuteAsync("ALTER TABLE users RENAME COLUMN name TO broken_name", Ct);
        client.DefaultRequestHeaders.Authorization = new("Bearer", token);

        var reply = await client.GetAsync("/user/me", Ct);
        var body = await reply.Content.ReadAsStringAsync(Ct);

        Assert.Equal(HttpStatusCode.InternalServerError, reply.StatusCode);
        Assert.Equal("application/problem+json", reply.Content.Headers.ContentType?.MediaType);
        Assert.False(string.IsNullOrEmpty(JsonNode.Parse(body)!["traceId"]?.GetValue<string>()));
        Assert.DoesNotContain("users", body, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("   at ", body);
        Assert.DoesNotContain("Exception", body);
    }
}

public sealed class PlatformTestsOnSqlite(SqliteApp app) : PlatformTests(app), IClassFixture<SqliteApp>;

public sealed class PlatformTestsOnPostgres(PostgresApp app) : PlatformTests(app), IClassFixture<PostgresApp>;
