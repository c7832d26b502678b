using Arkyn.Tests.Infrastructure;
using StandardWebhooks;

namespace Arkyn.Tests.Webhooks;

/// <summary>What a receiver gets: coalesced level events, signatures that verify, retries, rate and latency alerts, formats and auto-disable.</summary>
public abstract class DeliveryTests(ArkynApp app) : WebhookTest(app)
{
    [Fact]
    public async Task A_storm_of_300_fatal_records_is_a_few_signed_events_that_count_every_record()
    {
        var t = await TenantAsync();
        var webhook = await CreateWebhookAsync(t, LevelRule("FATAL"), url: $"{Receiver.Url}/storm");
        var secret = Str(webhook, "secret");
        var records = Enumerable.Range(0, 300).Select(i => Timed(500 + i % 4, 10 + i)).ToList();
        records.AddRange(Enumerable.Range(0, 50).Select(_ => Timed(200, 5)));
        records.AddRange(Enumerable.Range(0, 20).Select(_ => Timed(404, 5)));
        var posting = System.Diagnostics.Stopwatch.StartNew();
        foreach (var chunk in records.OrderBy(_ => Random.Shared.Next()).Chunk(100)) await PostRecordsAsync(t, chunk);
        posting.Stop();

        await EventuallyAsync(() => PostsTo("/storm").Sum(p => p.Json["data"]!["count"]!.GetValue<int>()) >= 300, "300 FATAL records counted");
        var posts = PostsTo("/storm");
        Assert.Equal(300, posts.Sum(p => p.Json["data"]!["count"]!.GetValue<int>()));
        // At most one event per coalescing window (1 s here) while the storm lasts, and one for what came last.
        Assert.InRange(posts.Count, 1, Math.Min(30, (int)posting.Elapsed.TotalSeconds + 3));
        Assert.Equal(posts.Count, posts.Select(p => p.Id).Distinct().Count());
        var verifier = new StandardWebhook(secret);
        foreach (var post in posts)
        {
            verifier.Verify(post.Body, post.Headers);
            var e = post.Json;
            Assert.Equal("traffic.level", Str(e, "type"));
            Assert.Equal(post.Id, Str(e, "id"));
            Assert.Equal(t.SourceId, Str(e["trafficSource"]!, "id"));
            Assert.Equal(Str(webhook, "id"), Str(e["webhook"]!, "id"));
            Assert.Equal(["FATAL"], e["data"]!["levels"]!.AsArray().Select(l => l!.GetValue<string>()));
            var shown = e["data"]!["records"]!.AsArray();
            Assert.InRange(shown.Count, 1, 10);
            Assert.All(shown, r =>
            {
                Assert.InRange(r!["status"]!.GetValue<int>(), 500, 599);
                Assert.Equal(["id", "method", "status", "domain", "pathname", "elapsedTime", "createdAt"], r.AsObject().Select(p => p.Key));
            });
        }
        // A tampered body does not verify.
        Assert.Throws<StandardWebhooks.Diagnostics.WebhookVerificationException>(() => verifier.Verify(posts[0].Body.Replace("FATAL", "INFO"), posts[0].Headers));

        // A post is received a moment before its sender records it: wait for the log to say delivered.
        await EventuallyAsync(async () => (await DeliveriesAsync(t.Owner.Token, Str(webhook, "id"))).All(d => Str(d!, "status") == "delivered"), "every delivery logged");
        var log = await DeliveriesAsync(t.Owner.Token, Str(webhook, "id"));
        Assert.Equal(posts.Count, log.Count);
        Assert.All(log, d =>
        {
            Assert.Equal("delivered", Str(d!, "status"));
            Assert.Equal(1, d!["attempts"]!.GetValue<int>());
            Assert.Equal(200, d["lastStatusCode"]!.GetValue<int>());
        });
        var stored = await WebhookAsync(t, Str(webhook, "id"));
        Assert.NotNull(stored["lastDeliveryAt"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_500_is_retried_with_the_same_webhook_id_until_delivered()
    {
        var t = await TenantAsync();
        var webhook = await CreateWebhookAsync(t, LevelRule("FATAL"), url: $"{Receiver.Url}/retry");
        var answered500 = 0;
        Receiver.Answer = p => p.Path == "/retry" && Interlocked.Increment(ref answered500) == 1 ? 500 : 200;

        var test = await SendAsync(HttpMethod.Post, $"/webhooks/{Str(webhook, "id")}/test", token: t.Owner.Token);
        Assert.Equal(HttpStatusCode.Accepted, test.Status);
        var eventId = Str(test.Json, "eventId");

        await EventuallyAsync(async () => (await DeliveriesAsync(t.Owner.Token, Str(webhook, "id")))
            .Any(d => Str(d!, "status") == "delivered"), "the test event delivered");
        var posts = PostsTo("/retry");
        Assert.Equal(2, posts.Count);
        Assert.All(posts, p => Assert.Equal(eventId, p.Id));
        Assert.All(posts, p => new StandardWebhook(Str(webhook, "secret")).Verify(p.Body, p.Headers));
        Assert.Equal("webhook.test", Str(posts[0].Json, "type"));
        var delivery = (await DeliveriesAsync(t.Owner.Token, Str(webhook, "id"))).Single()!;
        Assert.Equal(eventId, Str(delivery, "eventId"));
        Assert.Equal("webhook.test", Str(delivery, "type"));
        Assert.Equal(2, delivery["attempts"]!.GetValue<int>());
        Assert.Equal(200, delivery["lastStatusCode"]!.GetValue<int>());
        Assert.Null(delivery["lastError"]);
        Assert.NotNull(delivery["deliveredAt"]);
        Assert.Equal(0, (await WebhookAsync(t, Str(webhook, "id")))["consecutiveFailures"]!.GetValue<int>());
    }

    [Fact]
    public async Task An_error_rate_rule_fires_once_and_resolves_once()
    {
        var t = await TenantAsync();
        var rule = new JsonObject { ["kind"] = "errorRate", ["threshold"] = 0.5, ["window"] = "1h", ["minCount"] = 10 };
        await CreateWebhookAsync(t, rule, url: $"{Receiver.Url}/rate");
        // Under minCount nothing fires, whatever the rate.
        await PostRecordsAsync(t, Enumerable.Range(0, 6).Select(_ => Timed(503, 20)));
        await PostRecordsAsync(t, Enumerable.Range(0, 4).Select(_ => Timed(200, 20)));

        await EventuallyAsync(() => PostsTo("/rate").Any(p => Str(p.Json, "type") == "alert.firing"), "alert.firing");
        var firing = PostsTo("/rate").Single().Json["data"]!;
        Assert.Equal("errorRate", Str(firing, "kind"));
        Assert.Equal(0.6, firing["value"]!.GetValue<double>());
        Assert.Equal(10, firing["count"]!.GetValue<int>());
        Assert.Equal(6, firing["errorCount"]!.GetValue<int>());
        Assert.Equal(0.5, firing["threshold"]!.GetValue<double>());

        // Still above: no second firing. Then enough successes to bring it under.
        await PostRecordsAsync(t, Enumerable.Range(0, 4).Select(_ => Timed(500, 20)));
        await PostRecordsAsync(t, Enumerable.Range(0, 40).Select(_ => Timed(200, 20)));
        await EventuallyAsync(() => PostsTo("/rate").Any(p => Str(p.Json, "type") == "alert.resolved"), "alert.resolved");
        var resolved = PostsTo("/rate").Single(p => Str(p.Json, "type") == "alert.resolved").Json["data"]!;
        Assert.Equal(54, resolved["count"]!.GetValue<int>());
        Assert.Equal(Math.Round(10.0 / 54, 4), resolved["value"]!.GetValue<double>());

        // A later storm of successes changes nothing: one firing, one resolved.
        var marker = await SendAsync(HttpMethod.Post, $"/webhooks/{Str(await CreateWebhookAsync(t, LevelRule("INFO"), url: $"{Receiver.Url}/rate-marker"), "id")}/test", token: t.Owner.Token);
        Assert.Equal(HttpStatusCode.Accepted, marker.Status);
        await EventuallyAsync(() => PostsTo("/rate-marker").Count > 0, "a later event");
        Assert.Equal(["alert.firing", "alert.resolved"], PostsTo("/rate").Select(p => Str(p.Json, "type")));
    }

    [Fact]
    public async Task A_5xx_error_rate_rule_counts_only_5xx()
    {
        var t = await TenantAsync();
        var rule = new JsonObject { ["kind"] = "errorRate", ["threshold"] = 0.3, ["window"] = "1h", ["minCount"] = 5, ["statusClass"] = "5xx" };
        await CreateWebhookAsync(t, rule, url: $"{Receiver.Url}/rate5xx");
        await PostRecordsAsync(t, Enumerable.Range(0, 10).Select(_ => Timed(404, 20)));
        await PostRecordsAsync(t, Enumerable.Range(0, 10).Select(_ => Timed(200, 20)));
        await PostRecordsAsync(t, Enumerable.Range(0, 10).Select(_ => Timed(502, 20)));
        await EventuallyAsync(() => PostsTo("/rate5xx").Count > 0, "alert.firing");
        var data = PostsTo("/rate5xx")[0].Json["data"]!;
        // 10 of 30 are 5xx; the 404s count as traffic but not as errors.
        Assert.Equal(30, data["count"]!.GetValue<int>());
        Assert.Equal(10, data["errorCount"]!.GetValue<int>());
        Assert.Equal(0.3333, data["value"]!.GetValue<double>());
    }

    [Fact]
    public async Task A_latency_rule_fires_on_the_percentile_the_stats_route_computes()
    {
        var t = await TenantAsync();
        var rule = new JsonObject
        {
            ["kind"] = "latency", ["percentile"] = 95, ["thresholdMs"] = 500, ["window"] = "1h", ["minCount"] = 6,
            ["method"] = "POST", ["pathnameTemplate"] = "/orders/{id}",
        };
        await CreateWebhookAsync(t, rule, url: $"{Receiver.Url}/latency");
        double[] times = [100, 200, 300, 400, 2000, 3000, 250.5];
        // Other endpoints are outside the rule's filters, however slow.
        await PostRecordsAsync(t, Enumerable.Range(0, 5).Select(_ => Timed(200, 9000, "/users/1", "POST")));
        await PostRecordsAsync(t, times.Select((ms, i) => Timed(200, ms, $"/orders/{i + 1}", "POST")));

        await EventuallyAsync(() => PostsTo("/latency").Count > 0, "alert.firing");
        var post = PostsTo("/latency").Single();
        Assert.Equal("alert.firing", Str(post.Json, "type"));
        var data = post.Json["data"]!;
        var stats = await SendAsync(HttpMethod.Get, $"/http-traffic-stats/{t.SourceId}?pathnameTemplate=/orders/%7Bid%7D&method=POST", token: t.Owner.Token);
        Assert.Equal(HttpStatusCode.OK, stats.Status);
        Assert.Equal(stats.Json["endpoints"]![0]!["p95"]!.GetValue<double>(), data["value"]!.GetValue<double>());
        Assert.Equal(7, data["count"]!.GetValue<int>());
        Assert.Equal(500, data["threshold"]!.GetValue<double>());
        Assert.Equal("POST /orders/{id}", Str(data, "endpoint"));
    }

    [Fact]
    public async Task Failed_events_in_a_row_disable_the_webhook_with_a_reason_and_enabling_clears_it()
    {
        var t = await TenantAsync();
        var webhook = await CreateWebhookAsync(t, LevelRule("FATAL"), url: $"{Receiver.Url}/down");
        var id = Str(webhook, "id");
        Receiver.Answer = p => p.Path == "/down" ? 500 : 200;
        for (var i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.Accepted, (await SendAsync(HttpMethod.Post, $"/webhooks/{id}/test", token: t.Owner.Token)).Status);

        await EventuallyAsync(async () => !(await WebhookAsync(t, id))["enabled"]!.GetValue<bool>(), "the webhook disabled");
        var disabled = await WebhookAsync(t, id);
        Assert.Equal(3, disabled["consecutiveFailures"]!.GetValue<int>());
        Assert.Contains("3 events in a row", Str(disabled, "disabledReason"));
        Assert.Contains("HTTP 500", Str(disabled, "disabledReason"));
        var log = await DeliveriesAsync(t.Owner.Token, id);
        Assert.All(log, d =>
        {
            Assert.Equal("failed", Str(d!, "status"));
            Assert.Equal(3, d!["attempts"]!.GetValue<int>());
            Assert.Equal(500, d["lastStatusCode"]!.GetValue<int>());
            Assert.StartsWith("HTTP 500", Str(d, "lastError"));
        });
        Assert.Equal(9, PostsTo("/down").Count);

        // A disabled webhook's rule is not checked: FATAL records send nothing.
        await PostRecordsAsync(t, [Timed(500, 1)]);
        var enabled = await SendAsync(HttpMethod.Put, $"/webhooks/{id}", new { enabled = true }, t.Owner.Token);
        Assert.Equal(HttpStatusCode.OK, enabled.Status);
        Assert.True(enabled.Json["enabled"]!.GetValue<bool>());
        Assert.Equal(0, enabled.Json["consecutiveFailures"]!.GetValue<int>());
        Assert.Null(enabled.Json["disabledReason"]);
    }

    [Theory]
    [InlineData("discord")]
    [InlineData("slack")]
    public async Task Discord_and_slack_formats_send_those_services_message_shapes(string format)
    {
        var t = await TenantAsync();
        var webhook = await CreateWebhookAsync(t, LevelRule("FATAL", "WARNING"), url: $"{Receiver.Url}/{format}", format: format);
        // One moment for both, so that both are in the first event.
        var at = DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'");
        JsonObject[] two = [Timed(503, 42, "/checkout"), Timed(404, 7, "/missing")];
        foreach (var r in two) r["timestamp"] = at;
        await PostRecordsAsync(t, two);
        await EventuallyAsync(() => PostsTo($"/{format}").Count > 0, $"a {format} message");
        var post = PostsTo($"/{format}")[0];
        new StandardWebhook(Str(webhook, "secret")).Verify(post.Body, post.Headers);
        var body = post.Json;
        if (format == "discord")
        {
            var embed = body["embeds"]![0]!;
            Assert.Contains("FATAL, WARNING", Str(embed, "title"));
            var fields = embed["fields"]!.AsArray().ToDictionary(f => Str(f!, "name"), f => Str(f!, "value"));
            Assert.Equal("FATAL, WARNING", fields["Level"]);
            Assert.Equal("2", fields["Count"]);
            Assert.Contains("api.example.com/", fields["Endpoint"]);
            Assert.Contains("503 GET api.example.com/checkout", fields["Records"]);
        }
        else
        {
            Assert.Contains("FATAL, WARNING", Str(body, "text"));
            var blocks = body["blocks"]!.AsArray();
            Assert.Equal("header", Str(blocks[0]!, "type"));
            Assert.Contains(blocks, b => b!["text"]?["text"]?.GetValue<string>().Contains("503 GET api.example.com/checkout") == true);
        }
    }

    [Fact]
    public async Task Deleting_a_webhook_drops_its_pending_deliveries()
    {
        var t = await TenantAsync();
        var webhook = await CreateWebhookAsync(t, LevelRule("FATAL"), url: $"{Receiver.Url}/gone");
        var id = Str(webhook, "id");
        Receiver.Answer = p => p.Path == "/gone" ? 500 : 200;
        await SendAsync(HttpMethod.Post, $"/webhooks/{id}/test", token: t.Owner.Token);
        await EventuallyAsync(() => PostsTo("/gone").Count > 0, "a first attempt");
        Assert.Equal(HttpStatusCode.NoContent, (await SendAsync(HttpMethod.Delete, $"/webhooks/{id}", token: t.Owner.Token)).Status);
        Assert.Equal(0L, await ScalarAsync<long>($"SELECT COUNT(*) FROM webhook_deliveries WHERE webhook_id = '{id}'"));
        Assert.Equal(0L, await ScalarAsync<long>($"SELECT COUNT(*) FROM webhook_events WHERE webhook_id = '{id}'"));
        AssertProblem(await SendAsync(HttpMethod.Get, $"/webhooks/{id}/deliveries", token: t.Owner.Token), HttpStatusCode.NotFound, "webhookId");
    }
}

public sealed class DeliveryTestsOnSqlite(AlertsSqliteApp app) : DeliveryTests(app), IClassFixture<AlertsSqliteApp>;

public sealed class DeliveryTestsOnPostgres(AlertsPostgresApp app) : DeliveryTests(app), IClassFixture<AlertsPostgresApp>;
