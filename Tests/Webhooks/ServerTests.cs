using LinqToDB.Data;
using Arkyn.Tests.Infrastructure;

namespace Arkyn.Tests.Webhooks;

/// <summary>
/// Servers that stop and start, or run side by side, on one database: the outbox and the rule state live there, so
/// nothing is lost, repeated or sent twice. The class's app only owns the database; each server is an app of its
/// own on it (the connection string passed as a setting), started and disposed by the test.
/// </summary>
public abstract class ServerTests(ArkynApp app) : WebhookTest(app)
{
    /// <summary>Creates the database and drops it at the end; never started itself.</summary>
    ArkynApp database = null!;

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        database = new ArkynApp(App.Engine);
        await database.InitializeAsync();
    }

    public override async ValueTask DisposeAsync()
    {
        await database.DisposeAsync();
        await base.DisposeAsync();
    }

    /// <summary>A server on the test's database; attempts are not run out while a receiver is down for a while.</summary>
    ArkynApp Server() => new(App.Engine, new Dictionary<string, string?>(FastAlerts.Settings(maxAttempts: 100)) { ["ConnectionStrings:Arkyn"] = database.ConnectionString });

    async Task<int> ExecuteOnDatabaseAsync(string sql)
    {
        var settings = new Arkyn.Infrastructure.DatabaseSettings(
            App.Engine == Engine.Sqlite ? Arkyn.Infrastructure.DatabaseProvider.Sqlite : Arkyn.Infrastructure.DatabaseProvider.Postgres, database.ConnectionString);
        await using var db = new LinqToDB.Data.DataConnection(Arkyn.Infrastructure.Database.DatabaseSetup.Options(settings));
        return await db.ExecuteAsync(sql, Ct);
    }

    [Fact]
    public async Task An_event_stored_but_not_delivered_before_a_restart_is_delivered_after_it_and_a_firing_alert_is_remembered()
    {
        Receiver.Answer = p => p.Path == "/restart" ? 503 : 200;
        var first = Server();
        var client = first.CreateClient();
        var t = await TenantAsync(first, client);
        // A rule that the records of this test never match: only the test event goes to /restart.
        var quiet = LevelRule("FATAL");
        quiet["method"] = "TRACE";
        var webhook = await CreateWebhookAsync(t, quiet, url: $"{Receiver.Url}/restart", client: client);
        var rate = await CreateWebhookAsync(t, new JsonObject { ["kind"] = "errorRate", ["threshold"] = 0.5, ["window"] = "1h", ["minCount"] = 4 },
            url: $"{Receiver.Url}/firing", client: client);
        var test = await SendOnAsync(client, HttpMethod.Post, $"/webhooks/{Str(webhook, "id")}/test", null, t.Owner.Token);
        Assert.Equal(HttpStatusCode.Accepted, test.Status);
        var eventId = Str(test.Json, "eventId");
        await PostRecordsAsync(t, Enumerable.Range(0, 4).Select(_ => Timed(500, 10)), client);
        await EventuallyAsync(() => PostsTo("/restart").Count > 0 && PostsTo("/firing").Count > 0, "a failed attempt and a firing alert");
        await first.DisposeAsync();

        // As if a server had died holding the delivery: its claim still runs for a moment, then the next server takes it.
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        Assert.Equal(1, await ExecuteOnDatabaseAsync($"UPDATE webhook_deliveries SET lease_owner = 'died', lease_until = {now + 2000}, next_attempt_at = {now} WHERE event_id = '{eventId}' AND status = 'pending'"));
        Receiver.Answer = _ => 200;
        var second = Server();
        try
        {
            var client2 = second.CreateClient();
            await EventuallyAsync(async () => (await DeliveriesAsync(t.Owner.Token, Str(webhook, "id"), client2)).Any(d => Str(d!, "status") == "delivered"),
                "the stored event delivered after the restart");
            Assert.All(PostsTo("/restart"), p => Assert.Equal(eventId, p.Id));

            // The restarted server knows the alert is firing: it sends resolved, never a second firing.
            await PostRecordsAsync(t, Enumerable.Range(0, 20).Select(_ => Timed(200, 10)), client2);
            await EventuallyAsync(() => PostsTo("/firing").Any(p => Str(p.Json, "type") == "alert.resolved"), "alert.resolved");
            Assert.Equal(["alert.firing", "alert.resolved"], PostsTo("/firing").Select(p => Str(p.Json, "type")));
        }
        finally
        {
            await second.DisposeAsync();
        }
    }

    [Fact]
    public async Task An_event_whose_server_was_killed_during_its_delivery_is_delivered_after_a_restart_with_the_same_webhook_id()
    {
        // The receiver holds the first post unanswered, so the server is killed with the delivery committed, claimed
        // and in flight; the killed server's claim runs out (a minute) and the restarted server sends it again.
        var held = new TaskCompletionSource();
        Receiver.Hold = held.Task;
        var settings = FastAlerts.Settings(maxAttempts: 100);
        string token, webhookId, eventId;
        await using (var first = await ServerProcess.StartAsync(App.Engine, database.ConnectionString, settings))
        {
            var email = $"killed-{Guid.NewGuid():N}@example.com";
            Assert.Equal(HttpStatusCode.Created, (await PostAsync("/user", new JsonObject { ["name"] = "Ada", ["email"] = email, ["password"] = "correct horse battery" }, null, first.Client)).Status);
            token = Str((await PostAsync("/user/auth", new JsonObject { ["email"] = email, ["password"] = "correct horse battery" }, null, first.Client)).Json, "token");
            var source = await PostAsync("/traffic-source", new JsonObject { ["name"] = "Shop", ["trafficDomain"] = "shop.example.com" }, token, first.Client);
            Assert.True(source.Status == HttpStatusCode.Created, source.Body);
            var quiet = LevelRule("FATAL");
            quiet["method"] = "TRACE";
            var webhook = await PostAsync($"/webhooks/{Str(source.Json, "id")}",
                new JsonObject { ["name"] = "on-call", ["url"] = $"{Receiver.Url}/killed", ["format"] = "json", ["rule"] = quiet }, token, first.Client);
            Assert.True(webhook.Status == HttpStatusCode.Created, webhook.Body);
            webhookId = Str(webhook.Json, "id");
            var test = await SendOnAsync(first.Client, HttpMethod.Post, $"/webhooks/{webhookId}/test", null, token);
            Assert.Equal(HttpStatusCode.Accepted, test.Status);
            eventId = Str(test.Json, "eventId");
            await EventuallyAsync(() => PostsTo("/killed").Count > 0, "the delivery in flight");
            await first.KillAsync();
        }
        Receiver.Hold = Task.CompletedTask;
        held.SetResult();

        await using var second = await ServerProcess.StartAsync(App.Engine, database.ConnectionString, settings);
        await EventuallyAsync(async () => (await DeliveriesAsync(token, webhookId, second.Client)).Any(d => Str(d!, "status") == "delivered"),
            "the event delivered by the restarted server");
        var posts = PostsTo("/killed");
        Assert.True(posts.Count >= 2, $"{posts.Count} post(s): the killed attempt and the one after the restart");
        Assert.All(posts, p => Assert.Equal(eventId, p.Id));
    }

    [Fact]
    public async Task Two_servers_on_one_database_deliver_each_event_once()
    {
        var a = Server();
        var b = Server();
        try
        {
            var clientA = a.CreateClient();
            var clientB = b.CreateClient();
            var t = await TenantAsync(a, clientA);
            var webhook = await CreateWebhookAsync(t, LevelRule("FATAL"), url: $"{Receiver.Url}/cluster", client: clientA);
            var id = Str(webhook, "id");
            var tests = new List<string>();
            for (var i = 0; i < 20; i++)
            {
                var reply = await SendOnAsync(i % 2 == 0 ? clientA : clientB, HttpMethod.Post, $"/webhooks/{id}/test", null, t.Owner.Token);
                Assert.Equal(HttpStatusCode.Accepted, reply.Status);
                tests.Add(Str(reply.Json, "eventId"));
            }
            foreach (var (chunk, i) in Enumerable.Range(0, 300).Select(_ => Timed(500, 10)).Chunk(50).Select((c, i) => (c, i)))
                await PostRecordsAsync(t, chunk, i % 2 == 0 ? clientA : clientB);

            IEnumerable<Receiver.Received> Levels() => PostsTo("/cluster").Where(p => Str(p.Json, "type") == "traffic.level");
            await EventuallyAsync(() => Levels().Sum(p => p.Json["data"]!["count"]!.GetValue<int>()) >= 300
                && PostsTo("/cluster").Count(p => Str(p.Json, "type") == "webhook.test") >= 20, "every event delivered");
            var posts = PostsTo("/cluster");
            Assert.Equal(posts.Count, posts.Select(p => p.Id).Distinct().Count());
            Assert.Equal(300, Levels().Sum(p => p.Json["data"]!["count"]!.GetValue<int>()));
            Assert.Equal(tests.Order(), posts.Where(p => Str(p.Json, "type") == "webhook.test").Select(p => p.Id).Order());
            // A post is received a moment before its sender records it: wait for the log to say delivered.
            await EventuallyAsync(async () => (await DeliveriesAsync(t.Owner.Token, id, clientB)).All(d => Str(d!, "status") == "delivered"), "every delivery logged");
            Assert.All(await DeliveriesAsync(t.Owner.Token, id, clientB), d => Assert.Equal(1, d!["attempts"]!.GetValue<int>()));
        }
        finally
        {
            await a.DisposeAsync();
            await b.DisposeAsync();
        }
    }
}

public sealed class ServerTestsOnSqlite(SqliteApp app) : ServerTests(app), IClassFixture<SqliteApp>;

public sealed class ServerTestsOnPostgres(PostgresApp app) : ServerTests(app), IClassFixture<PostgresApp>;
