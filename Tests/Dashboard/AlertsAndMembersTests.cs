using Arkyn.Tests.Infrastructure;
using Arkyn.Tests.Webhooks;
using OpenQA.Selenium;

namespace Arkyn.Tests.Dashboard;

/// <summary>A source's Alerts and Members pages in a real browser: what the owner does there, and what anyone else sees.</summary>
public abstract class AlertsAndMembersTests(BrowserApp app) : BrowserTest(app)
{
    const string WebhookTable = "Webhooks of this source";
    const string MemberTable = "People who may read this source";
    const string Hostile = "<img src=x onerror=window.__pwned=1>";

    /// <summary>The API's message in the page's error box.</summary>
    string ShownError() =>
        Until(() => Browser.FindElements(By.CssSelector("[role=alert]")).FirstOrDefault(e => e.Displayed && e.Text.Length > 0)?.Text, "the error");

    async Task<JsonNode> WebhooksAsync(Account owner, string sourceId)
    {
        var list = await SendAsync(HttpMethod.Get, $"/webhooks/{sourceId}", token: owner.Token);
        Assert.True(list.Status == HttpStatusCode.OK, list.Body);
        return list.Json["data"]!;
    }

    [Fact]
    public async Task The_owner_creates_a_webhook_disables_it_and_sends_a_test_that_is_delivered()
    {
        await using var receiver = await Receiver.StartAsync();
        var owner = await RegisterAsync();
        var sourceId = await SourceAsync(owner, "Payments");
        OpenSignedIn(owner, "#/sources");
        Link("Payments").Click();
        Link("Alerts").Click();
        Heading("New webhook");
        Assert.Contains("No webhook yet", Browser.FindElement(By.CssSelector("main p.empty")).Text);

        // The browser takes an ftp URL; the API does not, and its message is shown by the form.
        Type("Name", "on-call");
        Type("URL", "ftp://example.com/hook");
        Button("Create webhook").Click();
        var refused = await SendAsync(HttpMethod.Post, $"/webhooks/{sourceId}",
            new { name = "on-call", url = "ftp://example.com/hook", rule = new { kind = "level", levels = new[] { "FATAL" } } }, owner.Token);
        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Contains(refused.Json["errors"]!["url"]![0]!.GetValue<string>(), ShownError());
        Assert.Empty(Rows(WebhookTable));
        Screenshot("alerts-refused");

        Type("URL", $"{receiver.Url}/hook");
        Choose("Alert on", "Error rate over a window");
        Type("Threshold (%)", "10");
        Choose("Window", "15 minutes");
        Type("Minimum records", "50");
        Choose("Status class", "5xx");
        Button("Create webhook").Click();
        var secret = Until(() => Browser.FindElements(By.CssSelector("code.key")).FirstOrDefault()?.Text, "the signing secret");
        Assert.StartsWith("whsec_", secret);
        Heading("Webhook “on-call” created");
        var rows = RowsWhen(WebhookTable, r => r.Count == 1, "the new webhook");
        Assert.Equal(["on-call", $"{receiver.Url}/hook", "json", "Error rate ≥ 10 % over 15m, at least 50 records; only 5xx", "Enabled", "never"], rows[0][..6]);
        Assert.Equal(["Name", "URL", "Format", "Rule", "State", "Last delivery", "Actions"], ColumnHeaders(WebhookTable));
        var stored = (await WebhooksAsync(owner, sourceId))[0]!;
        Assert.Equal(0.1, stored["rule"]!["threshold"]!.GetValue<double>(), 9);
        Assert.Equal("15m", stored["rule"]!["window"]!.GetValue<string>());
        Assert.Equal(50, stored["rule"]!["minCount"]!.GetValue<int>());
        Assert.Equal("5xx", stored["rule"]!["statusClass"]!.GetValue<string>());
        Assert.Null(stored["secret"]);

        Button("Disable on-call").Click();
        RowsWhen(WebhookTable, r => r.Count == 1 && r[0][4] == "Disabled", "the webhook disabled");
        Assert.False((await WebhooksAsync(owner, sourceId))[0]!["enabled"]!.GetValue<bool>());
        Button("Enable on-call");

        // A test event is sent even while the webhook is disabled.
        Button("Send test to on-call").Click();
        var deliveries = RowsWhen("Recent deliveries of “on-call”", r => r.Count == 1 && r[0][2] == "delivered", "the test delivered");
        Assert.Equal(["webhook.test", "delivered", "1", "HTTP 200"], deliveries[0][1..5]);
        Assert.Contains("d-delivered", Browser.FindElement(By.XPath("//table[caption[normalize-space()='Recent deliveries of “on-call”']]//span[contains(@class,'badge')]")).GetAttribute("class"));
        Eventually(() => Browser.FindElement(By.CssSelector("main [role=status]")).Text == "Test event to “on-call”: delivered (HTTP 200).", "the test's result");
        var post = Assert.Single(receiver.Posts);
        Assert.Equal("webhook.test", post.Json["type"]!.GetValue<string>());
        Screenshot("alerts");

        Button("Enable on-call").Click();
        RowsWhen(WebhookTable, r => r.Count == 1 && r[0][4] == "Enabled", "the webhook enabled again");
    }

    [Fact]
    public async Task The_owner_adds_a_member_by_email_who_sees_the_pages_read_only_then_removes_them()
    {
        var owner = await RegisterAsync();
        var reader = await RegisterAsync("Rita Reader");
        var sourceId = await SourceAsync(owner, "Shared");
        OpenSignedIn(owner, $"#/sources/{sourceId}/traffic");
        Link("Members").Click();
        Heading("Add a member");

        var nobody = $"nobody-{Guid.NewGuid():N}@example.com";
        Type("Email", nobody);
        Button("Add member").Click();
        var unknown = await SendAsync(HttpMethod.Post, $"/traffic-source/{sourceId}/members", new { email = nobody, role = "READ_ONLY" }, owner.Token);
        Assert.Equal(HttpStatusCode.NotFound, unknown.Status);
        Assert.Contains(unknown.Json["errors"]!["email"]![0]!.GetValue<string>(), ShownError());

        Type("Email", reader.Email);
        Assert.Equal("READ_ONLY", Field("Role").GetAttribute("value"));
        Button("Add member").Click();
        var rows = RowsWhen(MemberTable, r => r.Count == 1, "the new member");
        Assert.Equal(["Rita Reader", reader.Email, "READ_ONLY"], rows[0][..3]);
        Assert.Equal(["Name", "Email", "Role", "Added", "Actions"], ColumnHeaders(MemberTable));
        Screenshot("members");

        // The member: the tabs are there, the pages say that only the owner manages them, in the API's words too.
        OpenSignedIn(reader, "#/sources");
        Link("Shared").Click();
        Link("Members").Click();
        var forbidden = await SendAsync(HttpMethod.Get, $"/traffic-source/{sourceId}/members", token: reader.Token);
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.Status);
        Eventually(() => Browser.FindElement(By.TagName("main")).Text.Contains("Only the owner of this traffic source decides who may read it."), "the owner-only note");
        Assert.Contains(forbidden.Json["detail"]!.GetValue<string>(), Browser.FindElement(By.TagName("main")).Text);
        Assert.Empty(Browser.FindElements(By.XPath("//button[normalize-space()='Add member']")));
        Link("Alerts").Click();
        Eventually(() => Browser.FindElement(By.TagName("main")).Text.Contains("Only the owner of this traffic source manages its webhooks."), "the owner-only note");
        Assert.Empty(Browser.FindElements(By.XPath("//button[normalize-space()='Create webhook']")));

        OpenSignedIn(owner, $"#/sources/{sourceId}/members");
        Button($"Remove {reader.Email}").Click();
        Assert.Contains("Rita Reader", Browser.SwitchTo().Alert().Text);
        Browser.SwitchTo().Alert().Accept();
        Eventually(() => Rows(MemberTable).Count == 0 && Browser.FindElements(By.CssSelector("main p.empty")).Any(p => p.Displayed), "the member removed");
        var list = await SendAsync(HttpMethod.Get, $"/traffic-source/{sourceId}/members", token: owner.Token);
        Assert.Equal(0, list.Json["meta"]!["totalItems"]!.GetValue<int>());
    }

    [Fact]
    public async Task Hostile_webhook_and_member_names_are_shown_as_text_and_never_run()
    {
        var owner = await RegisterAsync();
        var member = await RegisterAsync(Hostile);
        var sourceId = await SourceAsync(owner, "Targets");
        var created = await SendAsync(HttpMethod.Post, $"/webhooks/{sourceId}",
            new { name = Hostile, url = "http://127.0.0.1:9/<svg onload=window.__pwned=2>", rule = new { kind = "level", levels = new[] { "FATAL" } } }, owner.Token);
        Assert.True(created.Status == HttpStatusCode.Created, created.Body);
        var added = await SendAsync(HttpMethod.Post, $"/traffic-source/{sourceId}/members", new { email = member.Email, role = "READ_ONLY" }, owner.Token);
        Assert.Equal(HttpStatusCode.Created, added.Status);

        OpenSignedIn(owner, $"#/sources/{sourceId}/alerts");
        var rows = RowsWhen(WebhookTable, r => r.Count == 1, "the hostile webhook");
        Assert.Equal(Hostile, rows[0][0]);
        Assert.Equal(created.Json["url"]!.GetValue<string>(), rows[0][1]);
        Button($"Send test to {Hostile}").Click();
        Heading($"Deliveries: {Hostile}");
        RowsWhen($"Recent deliveries of “{Hostile}”", r => r.Count == 1, "the test's delivery");
        AssertNothingRan();

        Link("Members").Click();
        rows = RowsWhen(MemberTable, r => r.Count == 1, "the hostile member");
        Assert.Equal(Hostile, rows[0][0]);
        AssertNothingRan();
    }
}

[Collection(BrowserCollection.Name)]
public sealed class AlertsAndMembersTestsOnSqlite(SqliteBrowserApp app) : AlertsAndMembersTests(app), IClassFixture<SqliteBrowserApp>;

[Collection(BrowserCollection.Name)]
public sealed class AlertsAndMembersTestsOnPostgres(PostgresBrowserApp app) : AlertsAndMembersTests(app), IClassFixture<PostgresBrowserApp>;
