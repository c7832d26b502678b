using Arkyn.Tests.Infrastructure;

namespace Arkyn.Tests.Webhooks;

/// <summary>The webhook routes: their objects, validation of every field and rule kind, and who may call them.</summary>
public abstract class WebhookRouteTests(ArkynApp app) : WebhookTest(app)
{
    static readonly string[] WebhookKeys =
        ["id", "name", "url", "format", "rule", "enabled", "trafficSourceId", "consecutiveFailures", "disabledReason", "lastDeliveryAt", "createdAt", "updatedAt"];

    [Fact]
    public async Task Create_answers_the_webhook_with_a_standard_webhooks_secret_shown_only_there()
    {
        var t = await TenantAsync();
        var rule = new JsonObject { ["kind"] = "errorRate", ["threshold"] = 0.05, ["window"] = "5m", ["minCount"] = 20, ["method"] = "get", ["domain"] = "API.example.com" };
        var reply = await PostAsync($"/webhooks/{t.SourceId}", new JsonObject { ["name"] = " Ops ", ["url"] = $"{Receiver.Url}/x", ["rule"] = rule }, t.Owner.Token);
        Assert.Equal(HttpStatusCode.Created, reply.Status);
        var created = reply.Json;
        Assert.Equal([.. WebhookKeys, "secret"], created.AsObject().Select(p => p.Key));
        Assert.Equal("Ops", Str(created, "name"));
        Assert.Equal("json", Str(created, "format"));
        Assert.True(created["enabled"]!.GetValue<bool>());
        Assert.Equal(t.SourceId, Str(created, "trafficSourceId"));
        Assert.Equal(0, created["consecutiveFailures"]!.GetValue<int>());
        Assert.Null(created["disabledReason"]);
        Assert.Null(created["lastDeliveryAt"]);
        Assert.Matches(@"^\d{2}/\d{2}/\d{4} at \d{2}:\d{2}:\d{2}$", Str(created, "createdAt"));
        Assert.Equal("""{"kind":"errorRate","threshold":0.05,"window":"5m","minCount":20,"method":"GET","domain":"api.example.com","pathnameTemplate":null,"statusClass":null}""",
            created["rule"]!.ToJsonString());
        var secret = Str(created, "secret");
        Assert.StartsWith("whsec_", secret);
        Assert.True(Convert.FromBase64String(secret["whsec_".Length..]).Length >= 24);

        var list = await SendAsync(HttpMethod.Get, $"/webhooks/{t.SourceId}", token: t.Owner.Token);
        Assert.Equal(HttpStatusCode.OK, list.Status);
        var listed = list.Json["data"]!.AsArray().Single()!;
        Assert.Equal(WebhookKeys, listed.AsObject().Select(p => p.Key));
        Assert.DoesNotContain(secret, list.Body);
        Assert.Equal(1, list.Json["meta"]!["totalItems"]!.GetValue<int>());
        var other = await CreateWebhookAsync(t, LevelRule("fatal", "WARNING", "FATAL"), format: "Discord");
        Assert.Equal("""{"kind":"level","levels":["FATAL","WARNING"],"method":null,"domain":null,"pathnameTemplate":null,"statusClass":null}""", other["rule"]!.ToJsonString());
        Assert.Equal("discord", Str(other, "format"));
        var page = await SendAsync(HttpMethod.Get, $"/webhooks/{t.SourceId}?pageLimit=1", token: t.Owner.Token);
        Assert.Equal(Str(other, "id"), Str(page.Json["data"]![0]!, "id"));
        Assert.Equal(2, page.Json["meta"]!["totalItems"]!.GetValue<int>());
    }

    [Fact]
    public async Task Put_changes_only_what_it_is_given()
    {
        var t = await TenantAsync();
        var webhook = await CreateWebhookAsync(t, LevelRule("FATAL"));
        var id = Str(webhook, "id");
        var renamed = await SendAsync(HttpMethod.Put, $"/webhooks/{id}", new { name = "renamed" }, t.Owner.Token);
        Assert.Equal(HttpStatusCode.OK, renamed.Status);
        Assert.Equal("renamed", Str(renamed.Json, "name"));
        Assert.Equal(Str(webhook, "url"), Str(renamed.Json, "url"));
        Assert.Equal(webhook["rule"]!.ToJsonString(), renamed.Json["rule"]!.ToJsonString());
        Assert.Null(renamed.Json["secret"]);

        var changed = await SendAsync(HttpMethod.Put, $"/webhooks/{id}", new
        {
            url = $"{Receiver.Url}/other", format = "slack", enabled = false,
            rule = new { kind = "latency", percentile = 99, thresholdMs = 250, window = "15m", statusClass = "2XX", pathnameTemplate = "/users/{id}" },
        }, t.Owner.Token);
        Assert.Equal(HttpStatusCode.OK, changed.Status);
        Assert.Equal("slack", Str(changed.Json, "format"));
        Assert.False(changed.Json["enabled"]!.GetValue<bool>());
        Assert.Equal($"{Receiver.Url}/other", Str(changed.Json, "url"));
        Assert.Equal("""{"kind":"latency","percentile":99,"thresholdMs":250,"window":"15m","minCount":1,"method":null,"domain":null,"pathnameTemplate":"/users/{id}","statusClass":"2xx"}""",
            changed.Json["rule"]!.ToJsonString());
        var unchanged = await SendAsync(HttpMethod.Put, $"/webhooks/{id}", new { }, t.Owner.Token);
        Assert.Equal(HttpStatusCode.OK, unchanged.Status);
        foreach (var key in WebhookKeys.Where(k => k != "updatedAt"))
            Assert.Equal(changed.Json[key]?.ToJsonString(), unchanged.Json[key]?.ToJsonString());
    }

    public static TheoryData<string, string> BadCreates => new()
    {
        { """{"url":"http://127.0.0.1/x","rule":{"kind":"level","levels":["FATAL"]}}""", "name" },
        { """{"name":"  ","url":"http://127.0.0.1/x","rule":{"kind":"level","levels":["FATAL"]}}""", "name" },
        { """{"name":"n","rule":{"kind":"level","levels":["FATAL"]}}""", "url" },
        { """{"name":"n","url":"ftp://example.com/x","rule":{"kind":"level","levels":["FATAL"]}}""", "url" },
        { """{"name":"n","url":"/relative","rule":{"kind":"level","levels":["FATAL"]}}""", "url" },
        { """{"name":"n","url":"http://user:pw@127.0.0.1/x","rule":{"kind":"level","levels":["FATAL"]}}""", "url" },
        { """{"name":"n","url":"http://127.0.0.1/x","format":"xml","rule":{"kind":"level","levels":["FATAL"]}}""", "format" },
        { """{"name":"n","url":"http://127.0.0.1/x"}""", "rule" },
        { """{"name":"n","url":"http://127.0.0.1/x","rule":{"kind":"sometimes"}}""", "rule.kind" },
        { """{"name":"n","url":"http://127.0.0.1/x","rule":{"levels":["FATAL"]}}""", "rule.kind" },
        { """{"name":"n","url":"http://127.0.0.1/x","rule":{"kind":"level"}}""", "rule.levels" },
        { """{"name":"n","url":"http://127.0.0.1/x","rule":{"kind":"level","levels":[]}}""", "rule.levels" },
        { """{"name":"n","url":"http://127.0.0.1/x","rule":{"kind":"level","levels":["FATAL","PANIC"]}}""", "rule.levels" },
        { """{"name":"n","url":"http://127.0.0.1/x","rule":{"kind":"level","levels":["FATAL"],"threshold":0.5}}""", "rule.threshold" },
        { """{"name":"n","url":"http://127.0.0.1/x","rule":{"kind":"errorRate","window":"5m"}}""", "rule.threshold" },
        { """{"name":"n","url":"http://127.0.0.1/x","rule":{"kind":"errorRate","threshold":1.5,"window":"5m"}}""", "rule.threshold" },
        { """{"name":"n","url":"http://127.0.0.1/x","rule":{"kind":"errorRate","threshold":0,"window":"5m"}}""", "rule.threshold" },
        { """{"name":"n","url":"http://127.0.0.1/x","rule":{"kind":"errorRate","threshold":"0.5","window":"5m"}}""", "rule.threshold" },
        { """{"name":"n","url":"http://127.0.0.1/x","rule":{"kind":"errorRate","threshold":0.5,"window":"2m"}}""", "rule.window" },
        { """{"name":"n","url":"http://127.0.0.1/x","rule":{"kind":"errorRate","threshold":0.5}}""", "rule.window" },
        { """{"name":"n","url":"http://127.0.0.1/x","rule":{"kind":"errorRate","threshold":0.5,"window":"5m","minCount":0}}""", "rule.minCount" },
        { """{"name":"n","url":"http://127.0.0.1/x","rule":{"kind":"errorRate","threshold":0.5,"window":"5m","levels":["FATAL"]}}""", "rule.levels" },
        { """{"name":"n","url":"http://127.0.0.1/x","rule":{"kind":"latency","thresholdMs":100,"window":"5m"}}""", "rule.percentile" },
        { """{"name":"n","url":"http://127.0.0.1/x","rule":{"kind":"latency","percentile":101,"thresholdMs":100,"window":"5m"}}""", "rule.percentile" },
        { """{"name":"n","url":"http://127.0.0.1/x","rule":{"kind":"latency","percentile":95,"window":"5m"}}""", "rule.thresholdMs" },
        { """{"name":"n","url":"http://127.0.0.1/x","rule":{"kind":"latency","percentile":95,"thresholdMs":-1,"window":"5m"}}""", "rule.thresholdMs" },
        { """{"name":"n","url":"http://127.0.0.1/x","rule":{"kind":"latency","percentile":95,"thresholdMs":5,"window":"5m","threshold":0.1}}""", "rule.threshold" },
        { """{"name":"n","url":"http://127.0.0.1/x","rule":{"kind":"level","levels":["FATAL"],"method":"FETCH"}}""", "rule.method" },
        { """{"name":"n","url":"http://127.0.0.1/x","rule":{"kind":"level","levels":["FATAL"],"domain":"not a host"}}""", "rule.domain" },
        { """{"name":"n","url":"http://127.0.0.1/x","rule":{"kind":"level","levels":["FATAL"],"pathnameTemplate":"users"}}""", "rule.pathnameTemplate" },
        { """{"name":"n","url":"http://127.0.0.1/x","rule":{"kind":"level","levels":["FATAL"],"statusClass":"6xx"}}""", "rule.statusClass" },
        { """{"name":"n","url":"http://127.0.0.1/x","rule":{"kind":"level","levels":["FATAL"]},"enabled":"yes"}""", "enabled" },
    };

    [Theory]
    [MemberData(nameof(BadCreates))]
    public async Task Each_bad_field_of_a_create_is_a_400_naming_it_and_stores_nothing(string body, string field)
    {
        var t = await SharedTenantAsync();
        var reply = await SendRawAsync(HttpMethod.Post, $"/webhooks/{t.SourceId}", body, t.Owner.Token);
        AssertProblem(reply, HttpStatusCode.BadRequest, field);
        // The same field is checked on update, before the webhook is looked up (only create requires name, url and rule).
        if (body.Contains($"\"{field.Split('.')[0]}\""))
            AssertProblem(await SendRawAsync(HttpMethod.Put, $"/webhooks/{NewId()}", body, t.Owner.Token), HttpStatusCode.BadRequest, field);
        Assert.Equal(0L, await ScalarAsync<long>($"SELECT COUNT(*) FROM webhooks WHERE traffic_source_id = '{t.SourceId}'"));
    }

    [Fact]
    public async Task Ids_that_are_not_uuids_are_400_and_unknown_ones_404()
    {
        var t = await SharedTenantAsync();
        var body = new { name = "n", url = $"{Receiver.Url}/x", rule = LevelRule("FATAL") };
        AssertProblem(await SendAsync(HttpMethod.Post, "/webhooks/nope", body, t.Owner.Token), HttpStatusCode.BadRequest, "trafficSourceId");
        AssertProblem(await SendAsync(HttpMethod.Get, "/webhooks/nope", token: t.Owner.Token), HttpStatusCode.BadRequest, "trafficSourceId");
        AssertProblem(await SendAsync(HttpMethod.Put, "/webhooks/nope", new { name = "x" }, t.Owner.Token), HttpStatusCode.BadRequest, "webhookId");
        AssertProblem(await SendAsync(HttpMethod.Delete, "/webhooks/nope", token: t.Owner.Token), HttpStatusCode.BadRequest, "webhookId");
        AssertProblem(await SendAsync(HttpMethod.Post, "/webhooks/nope/test", token: t.Owner.Token), HttpStatusCode.BadRequest, "webhookId");
        AssertProblem(await SendAsync(HttpMethod.Get, "/webhooks/nope/deliveries", token: t.Owner.Token), HttpStatusCode.BadRequest, "webhookId");
        AssertProblem(await SendAsync(HttpMethod.Get, $"/webhooks/{t.SourceId}?pageLimit=101", token: t.Owner.Token), HttpStatusCode.BadRequest, "pageLimit");

        var unknown = NewId();
        AssertProblem(await SendAsync(HttpMethod.Post, $"/webhooks/{unknown}", body, t.Owner.Token), HttpStatusCode.NotFound, "trafficSourceId");
        AssertProblem(await SendAsync(HttpMethod.Get, $"/webhooks/{unknown}", token: t.Owner.Token), HttpStatusCode.NotFound, "trafficSourceId");
        AssertProblem(await SendAsync(HttpMethod.Put, $"/webhooks/{unknown}", new { name = "x" }, t.Owner.Token), HttpStatusCode.NotFound, "webhookId");
        AssertProblem(await SendAsync(HttpMethod.Delete, $"/webhooks/{unknown}", token: t.Owner.Token), HttpStatusCode.NotFound, "webhookId");
        AssertProblem(await SendAsync(HttpMethod.Post, $"/webhooks/{unknown}/test", token: t.Owner.Token), HttpStatusCode.NotFound, "webhookId");
        AssertProblem(await SendAsync(HttpMethod.Get, $"/webhooks/{unknown}/deliveries", token: t.Owner.Token), HttpStatusCode.NotFound, "webhookId");
    }

    /// <summary>Every webhook route, called on the owner's source or webhook.</summary>
    static IEnumerable<(string What, HttpMethod Method, string Path, object? Body)> Routes(string sourceId, string webhookId, string url) =>
    [
        ("create", HttpMethod.Post, $"/webhooks/{sourceId}", new { name = "mine now", url, rule = new { kind = "level", levels = new[] { "FATAL" } } }),
        ("list", HttpMethod.Get, $"/webhooks/{sourceId}", null),
        ("update", HttpMethod.Put, $"/webhooks/{webhookId}", new { name = "taken", url }),
        ("test", HttpMethod.Post, $"/webhooks/{webhookId}/test", null),
        ("deliveries", HttpMethod.Get, $"/webhooks/{webhookId}/deliveries", null),
        ("delete", HttpMethod.Delete, $"/webhooks/{webhookId}", null),
    ];

    async Task<string> StateAsync(Tenant t) =>
        string.Join("|", await ScalarAsync<long>("SELECT COUNT(*) FROM webhooks"), await ScalarAsync<long>("SELECT COUNT(*) FROM webhook_events"),
            (await SendAsync(HttpMethod.Get, $"/webhooks/{t.SourceId}", token: t.Owner.Token)).Body);

    [Fact]
    public async Task Another_user_and_an_ingest_key_can_neither_read_nor_write_a_webhook()
    {
        var t = await TenantAsync();
        var webhook = await CreateWebhookAsync(t, LevelRule("FATAL"));
        var stranger = await StrangerAsync();
        var before = await StateAsync(t);
        foreach (var (what, method, path, body) in Routes(t.SourceId, Str(webhook, "id"), $"{Receiver.Url}/stolen"))
        {
            var asStranger = await SendAsync(method, path, body, stranger.Token);
            var problem = AssertProblem(asStranger, HttpStatusCode.Forbidden);
            Assert.DoesNotContain(Str(webhook, "id"), asStranger.Body.Replace(path, ""));
            Assert.DoesNotContain("alerts", asStranger.Body);
            Assert.Null(problem["errors"]?["webhookId"]);
            AssertProblem(await SendAsync(method, path, body, t.Key), HttpStatusCode.Forbidden);
            Assert.True(before == await StateAsync(t), $"{what} was refused but changed something");
        }
        Assert.Empty(PostsTo("/hook"));
        Assert.Empty(PostsTo("/stolen"));

        // The stranger's own source sees none of it either.
        var theirs = await TenantAsync(owner: stranger);
        var list = await SendAsync(HttpMethod.Get, $"/webhooks/{theirs.SourceId}", token: stranger.Token);
        Assert.Equal(HttpStatusCode.OK, list.Status);
        Assert.Empty(list.Json["data"]!.AsArray());
    }

    [Fact]
    public async Task Missing_and_bad_tokens_are_400_and_401_on_every_route()
    {
        var t = await SharedTenantAsync();
        foreach (var (_, method, path, body) in Routes(t.SourceId, NewId(), $"{Receiver.Url}/x"))
        {
            AssertProblem(await SendAsync(method, path, body), HttpStatusCode.BadRequest);
            AssertProblem(await SendAsync(method, path, body, "not-a-token"), HttpStatusCode.Unauthorized);
        }
    }

    [Fact]
    public async Task Deleting_the_traffic_source_deletes_its_webhooks()
    {
        var t = await TenantAsync();
        var webhook = await CreateWebhookAsync(t, LevelRule("FATAL"));
        await SendAsync(HttpMethod.Post, $"/webhooks/{Str(webhook, "id")}/test", token: t.Owner.Token);
        Assert.Equal(HttpStatusCode.NoContent, (await SendAsync(HttpMethod.Delete, $"/traffic-source/{t.SourceId}", token: t.Owner.Token)).Status);
        foreach (var table in new[] { "webhooks", "webhook_states", "webhook_events", "webhook_deliveries" })
            Assert.Equal(0L, await ScalarAsync<long>($"SELECT COUNT(*) FROM {table} WHERE {(table == "webhooks" ? "id" : "webhook_id")} = '{Str(webhook, "id")}'"));
    }
}

public sealed class WebhookRouteTestsOnSqlite(AlertsSqliteApp app) : WebhookRouteTests(app), IClassFixture<AlertsSqliteApp>;

public sealed class WebhookRouteTestsOnPostgres(AlertsPostgresApp app) : WebhookRouteTests(app), IClassFixture<AlertsPostgresApp>;
