using Arkyn.Tests.Infrastructure;

namespace Arkyn.Tests.Webhooks;

/// <summary>With Alerts:AllowPrivateTargets off (the default), webhooks post only to public addresses: checked when saved and at every delivery.</summary>
public abstract class TargetTests(ArkynApp app) : WebhookTest(app)
{
    /// <summary>A public address, written as one so that saving it needs no DNS; nothing is ever sent to it here.</summary>
    const string PublicUrl = "https://93.184.215.14/hook";

    public static TheoryData<string> InternalUrls => new()
    {
        "http://127.0.0.1/hook", "http://127.1.2.3:8080/hook", "http://localhost:5000/hook", "http://10.1.2.3/hook", "http://172.16.0.5/hook",
        "http://172.31.255.255/hook", "http://192.168.1.10/hook", "http://169.254.169.254/latest/meta-data", "http://100.64.0.1/hook",
        "http://0.0.0.0/hook", "http://224.0.0.1/hook", "http://239.255.255.250/hook", "http://255.255.255.255/hook", "http://[::1]/hook",
        "http://[::]/hook", "http://[fe80::1]/hook", "http://[fc00::1]/hook", "http://[fd12:3456::1]/hook", "http://[ff02::1]/hook",
        "http://[::ffff:127.0.0.1]/hook", "http://[::ffff:10.0.0.1]/hook", "http://[64:ff9b::a00:1]/hook", "http://[2002:7f00:1::]/hook",
        "http://2130706433/hook", "http://0x7f000001/hook", "http://017700000001/hook",
        "ftp://93.184.215.14/hook", "file:///etc/passwd", "gopher://93.184.215.14/", "javascript:alert(1)",
    };

    [Theory]
    [MemberData(nameof(InternalUrls))]
    public async Task Internal_and_non_http_targets_are_refused_on_create_and_update(string url)
    {
        var t = await SharedTenantAsync();
        var created = await PostAsync($"/webhooks/{t.SourceId}", new JsonObject { ["name"] = "n", ["url"] = url, ["rule"] = LevelRule("FATAL") }, t.Owner.Token);
        AssertProblem(created, HttpStatusCode.BadRequest, "url");
        Assert.Equal(0L, await ScalarAsync<long>($"SELECT COUNT(*) FROM webhooks WHERE url = '{url.Replace("'", "''")}'"));

        var webhook = await CreateWebhookAsync(t, LevelRule("FATAL"), url: PublicUrl);
        var updated = await SendAsync(HttpMethod.Put, $"/webhooks/{Str(webhook, "id")}", new { url }, t.Owner.Token);
        AssertProblem(updated, HttpStatusCode.BadRequest, "url");
        Assert.Equal(PublicUrl, Str(await WebhookAsync(t, Str(webhook, "id")), "url"));
    }

    [Fact]
    public async Task A_target_that_turns_internal_after_it_was_saved_is_refused_at_delivery()
    {
        var t = await TenantAsync();
        var webhook = await CreateWebhookAsync(t, LevelRule("FATAL"), url: PublicUrl);
        var id = Str(webhook, "id");
        // As if the name had been re-pointed at the loopback after the check (DNS rebinding).
        await ExecuteSqlAsync($"UPDATE webhooks SET url = '{Receiver.Url}/rebound' WHERE id = '{id}'");
        Assert.Equal(HttpStatusCode.Accepted, (await SendAsync(HttpMethod.Post, $"/webhooks/{id}/test", token: t.Owner.Token)).Status);

        await EventuallyAsync(async () => (await DeliveriesAsync(t.Owner.Token, id)).Single()!["attempts"]!.GetValue<int>() >= 1, "a refused attempt");
        var delivery = (await DeliveriesAsync(t.Owner.Token, id)).Single()!;
        Assert.Equal("pending", Str(delivery, "status"));
        Assert.Null(delivery["lastStatusCode"]);
        Assert.Contains("internal address", Str(delivery, "lastError"));
        Assert.Empty(Receiver.Posts);
    }
}

public sealed class TargetTestsOnSqlite(SqliteApp app) : TargetTests(app), IClassFixture<SqliteApp>;

public sealed class TargetTestsOnPostgres(PostgresApp app) : TargetTests(app), IClassFixture<PostgresApp>;
