using Arkyn.Tests.Infrastructure;
using OpenQA.Selenium;

namespace Arkyn.Tests.Dashboard;

/// <summary>The dashboard in a real browser, used as a person would: every value it shows comes through the public API.</summary>
public abstract class DashboardTests(BrowserApp app) : BrowserTest(app)
{
    const string TrafficTable = "Traffic, newest first";
    const string EndpointTable = "Endpoints: select a column to sort, an endpoint to see its traffic";
    static DateTimeOffset Now => DateTimeOffset.UtcNow;

    [Fact]
    public async Task Sign_in_shows_the_APIs_message_for_a_wrong_password_then_the_sources()
    {
        var account = await RegisterAsync("Ada Lovelace");
        Open("#/signin");
        Heading("Sign in");
        Type("Email", account.Email);
        Type("Password", "not the password");
        Button("Sign in").Click();

        var refused = await SendAsync(HttpMethod.Post, "/user/auth", new { email = account.Email, password = "not the password" });
        var alert = Until(() => Browser.FindElements(By.CssSelector("[role=alert]")).FirstOrDefault(e => e.Displayed && e.Text.Length > 0), "the error");
        Assert.Equal(refused.Json["detail"]!.GetValue<string>(), alert.Text);
        Assert.Null(SessionToken);
        Screenshot("sign-in");

        Type("Password", account.Password);
        Button("Sign in").Click();
        Heading("Traffic sources");
        Assert.Contains("Ada Lovelace", Browser.FindElement(By.Id("account")).Text);
        Assert.NotNull(SessionToken);
        Assert.Empty(Browser.Manage().Cookies.AllCookies);
        Assert.Equal(0L, Js("return localStorage.length;"));
    }

    [Fact]
    public async Task Creating_a_source_and_a_key_shows_the_key_once_with_snippets_that_work_and_traffic_arrives_live()
    {
        var account = await RegisterAsync();
        OpenSignedIn(account, "#/sources");
        Heading("Traffic sources");
        Type("Name", "Shop API");
        Type("Traffic domain", $"{Guid.NewGuid():N}.example.com");
        Button("Create source").Click();

        Heading("Ingest keys");
        var sourceId = Until(() => System.Text.RegularExpressions.Regex.Match(Browser.Url, "#/sources/([^/]+)/keys").Groups[1].Value is { Length: > 0 } id ? id : null, "the source's page");
        Type("Key name", "production agent");
        Button("Create key").Click();
        var key = Until(() => Browser.FindElements(By.CssSelector("code.key")).FirstOrDefault()?.Text, "the new key");
        Assert.StartsWith("ak_", key);
        var snippets = Browser.FindElements(By.CssSelector(".snippet pre")).Select(p => p.Text).ToList();
        Assert.Equal(2, snippets.Count);
        Assert.Contains("LogService.setConfig({", snippets[0]);
        Assert.Contains($"trafficSourceId: '{sourceId}'", snippets[0]);
        Assert.Contains($"userToken: '{key}'", snippets[0]);
        Assert.Contains($"logBaseApiUrl: '{Web.BaseUrl}'", snippets[0]);
        Assert.Contains($"'{Web.BaseUrl}/http-traffic-record/{sourceId}'", snippets[1]);
        Assert.Contains($"Authorization: Bearer {key}", snippets[1]);
        RowsWhen("Agents send traffic with these keys; a key can only write to this source.", r => r.Count == 1 && r[0][0] == "production agent", "the key in the list");
        Screenshot("ingest-key");

        // What the curl snippet sends, sent with the key the page showed.
        var curlBody = snippets[1][(snippets[1].IndexOf("-d '", StringComparison.Ordinal) + 4)..].TrimEnd().TrimEnd('\'');
        var sent = await SendRawAsync(HttpMethod.Post, $"/http-traffic-record/{sourceId}", curlBody, key);
        Assert.Equal(HttpStatusCode.Created, sent.Status);

        Link("Traffic").Click();
        RowsWhen(TrafficTable, rows => rows.Count == 1 && rows[0][3] == "/users/42", "the snippet's record");
        Assert.Equal(["Time", "Method", "Status", "Endpoint", "Duration", "User"], ColumnHeaders(TrafficTable));

        // New traffic appears without a reload.
        var live = await SendRawAsync(HttpMethod.Post, $"/http-traffic-record/{sourceId}",
            System.Text.Json.JsonSerializer.Serialize(Record(503, "/orders/7", 321.5, Now, "POST", "user-9")), key);
        Assert.Equal(HttpStatusCode.Created, live.Status);
        var rows = RowsWhen(TrafficTable, r => r.Count == 2, "the live record");
        Assert.Equal(["POST", "503 FATAL", "/orders/7", "321.5 ms", "user-9"], rows[0][1..]);
        Screenshot("traffic");
    }

    [Fact]
    public async Task Opening_a_source_pages_with_load_more_and_filters_by_status_class()
    {
        var account = await RegisterAsync();
        var sourceId = await SourceAsync(account, "Billing");
        int[] statuses = [200, 404, 500];
        await SeedAsync(account, sourceId, Enumerable.Range(0, 60).Select(i => Record(statuses[i % 3], $"/invoices/{i}", i + 0.5, Now.AddSeconds(-i))));

        OpenSignedIn(account, "#/sources");
        Link("Billing").Click();
        Heading("Billing");
        RowsWhen(TrafficTable, r => r.Count == 50, "the first page of 50");
        Button("Load more").Click();
        var all = RowsWhen(TrafficTable, r => r.Count == 60, "the next page");
        Assert.Equal(60, all.Select(r => r[3]).Distinct().Count());
        Assert.DoesNotContain(Browser.FindElements(By.XPath("//button[normalize-space()='Load more']")), b => b.Displayed);

        Choose("Status class", "5xx");
        Button("Apply filters").Click();
        var failed = RowsWhen(TrafficTable, r => r.Count == 20 && r.All(c => c[2] == "500 FATAL"), "only the 5xx records");
        Assert.Equal(20, failed.Count);
        Assert.Contains("statusClass=5xx", Browser.Url);
        Assert.Equal("5xx", Field("Status class").GetAttribute("value"));
    }

    [Fact]
    public async Task A_record_shows_its_request_and_response_with_redacted_values()
    {
        var account = await RegisterAsync();
        var sourceId = await SourceAsync(account, "Orders");
        await SeedAsync(account, sourceId, [Record(201, "/orders/42", 150, Now, "POST", "user-456",
            requestHeaders: new Dictionary<string, string> { ["authorization"] = "Bearer abc", ["accept"] = "application/json" },
            queryParams: new { expand = "items" }, requestBody: new { item = "book", qty = 1, password = "hunter2" },
            responseHeaders: new Dictionary<string, string> { ["content-type"] = "application/json" }, responseBody: new { orderId = 42 })]);

        OpenSignedIn(account, $"#/sources/{sourceId}/traffic");
        Link("/orders/42").Click();
        Heading("Request");
        var facts = Browser.FindElements(By.CssSelector("dl.facts dt")).Zip(Browser.FindElements(By.CssSelector("dl.facts dd")))
            .ToDictionary(p => p.First.Text, p => p.Second.Text);
        Assert.Equal("POST", facts["Method"]);
        Assert.Equal("https://api.example.com/orders/42?expand=items", facts["URL"]);
        Assert.Equal("201", facts["Status"]);
        Assert.Equal("INFO", facts["Level"]);
        Assert.Equal("150 ms", facts["Duration"]);
        Assert.Equal("user-456", facts["User"]);
        Assert.Contains(["authorization", "[REDACTED]"], Rows("Request headers"));
        Assert.Contains(["accept", "application/json"], Rows("Request headers"));
        Assert.Contains(["expand", "items"], Rows("Query parameters"));
        Assert.Contains(["content-type", "application/json"], Rows("Response headers"));
        var bodies = Browser.FindElements(By.CssSelector("section.body pre")).Select(p => p.Text).ToList();
        Assert.Equal("{\n  \"item\": \"book\",\n  \"qty\": 1,\n  \"password\": \"[REDACTED]\"\n}", bodies[0]);
        Assert.Equal("{\n  \"orderId\": 42\n}", bodies[1]);
        Screenshot("record");
    }

    [Fact]
    public async Task Stats_draw_requests_and_latency_over_time_and_sort_endpoints_that_open_their_traffic()
    {
        var account = await RegisterAsync();
        var sourceId = await SourceAsync(account, "Catalog");
        await SeedAsync(account, sourceId, Enumerable.Range(0, 30).Select(i =>
            Record(i % 5 == 0 ? 500 : 200, i % 3 == 0 ? $"/products/{i}" : "/health", 10 + i * 3, Now.AddMinutes(-i * 1.5))));

        OpenSignedIn(account, $"#/sources/{sourceId}/stats");
        Heading("Requests and p95 latency over time");
        Choose("Time range", "Last 1 hour");
        Button("Show").Click();
        Eventually(() => Browser.Url.Contains("range=1h"), "the hour's window");
        var chart = Until(() => Browser.FindElements(By.CssSelector("figure.chart svg[role=img]")).FirstOrDefault(), "the chart");
        Eventually(() => Browser.FindElements(By.CssSelector("figure.chart rect.bar")).Count == 60, "60 one-minute buckets");
        Assert.StartsWith("Requests and p95 latency over time. 30 requests and 6 errors in 60 buckets", chart.GetAttribute("aria-label"));
        Assert.True(Browser.FindElements(By.CssSelector("figure.chart rect.bar")).Count(b => double.Parse(b.GetAttribute("height")!, System.Globalization.CultureInfo.InvariantCulture) > 0) >= 15);
        Assert.Equal(6, Browser.FindElements(By.CssSelector("figure.chart rect.bar-error")).Count);
        Assert.False(string.IsNullOrEmpty(Browser.FindElement(By.CssSelector("figure.chart path.line")).GetAttribute("d")));
        Screenshot("stats");

        Assert.Equal(["Endpoint", "Method", "Count", "Error rate", "p50", "p95", "p99", "Max"], ColumnHeaders(EndpointTable));
        var byCount = Rows(EndpointTable);
        Assert.Equal(["/health", "/products/{id}"], byCount.Select(r => r[0].Split('\n')[0]).ToList());
        Assert.Equal(["20", "10"], byCount.Select(r => r[2]).ToList());
        Button("Count").Click();
        Assert.Equal(["10", "20"], Rows(EndpointTable).Select(r => r[2]).ToList());
        Assert.Equal("ascending", Browser.FindElement(By.XPath("//th[.//button[normalize-space()='Count']]")).GetAttribute("aria-sort"));

        Link("/products/{id}").Click();
        var filtered = RowsWhen(TrafficTable, r => r.Count == 10, "the endpoint's traffic");
        Assert.All(filtered, r => Assert.StartsWith("/products/", r[3]));
        Assert.Equal("/products/{id}", Field("Endpoint").GetAttribute("value"));
    }

    /// <summary>
    /// The measures of docs/dashboard.md, written to TestResults/dashboard/{engine}/measurements.txt: what a first visit
    /// to each page transfers (an empty cache: every file, compressed, and the page's API calls), and how long a page
    /// of 100 records takes to render. Only the bytes are asserted; times depend on the machine's load.
    /// </summary>
    [Fact]
    public async Task Every_page_loads_in_under_150_KB_on_a_first_visit()
    {
        var account = await RegisterAsync();
        var sourceId = await SourceAsync(account, "Measured");
        var ids = await SeedAsync(account, sourceId, Enumerable.Range(0, 120).Select(i => Record(i % 9 == 0 ? 500 : 200, $"/products/{i}/reviews", 5 + i % 40,
            Now.AddSeconds(-i * 20), i % 2 == 0 ? "GET" : "POST", $"user-{i % 7}",
            requestHeaders: new Dictionary<string, string> { ["accept"] = "application/json", ["user-agent"] = "measure/1.0" },
            responseHeaders: new Dictionary<string, string> { ["content-type"] = "application/json" },
            responseBody: new { id = i, name = $"Product {i}", tags = new[] { "a", "b", "c" } })));
        var key = await SendAsync(HttpMethod.Post, $"/traffic-source/{sourceId}/ingest-keys", new { name = "measure" }, account.Token);
        Assert.Equal(HttpStatusCode.Created, key.Status);

        long FirstLoad(string hash, Func<bool> ready)
        {
            Browser.ExecuteCdpCommand("Network.clearBrowserCache", []);
            Browser.Navigate().GoToUrl("about:blank");
            Open(hash);
            Eventually(ready, $"{hash} to be drawn");
            return Convert.ToInt64(Js("return performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource')).reduce((n, e) => n + e.transferSize, 0);"));
        }

        var lines = new List<string> { $"first-load bytes (empty cache, brotli), {App.Engine}, {DateTime.UtcNow:u}" };
        var signIn = FirstLoad("#/signin", () => Heading("Sign in").Displayed);
        lines.Add($"  Sign in            {signIn,7:N0} B");
        OpenSignedIn(account, "#/sources");
        Heading("Traffic sources");
        (string Name, string Hash, Func<bool> Ready)[] pages =
        [
            ("Traffic sources", "#/sources", () => Link("Measured").Displayed),
            ("Ingest keys", $"#/sources/{sourceId}/keys", () => Browser.FindElements(By.CssSelector("table tbody tr")).Count == 1),
            ("Traffic (50 rows)", $"#/sources/{sourceId}/traffic", () => Rows(TrafficTable).Count == 50),
            ("Traffic (100 rows)", $"#/sources/{sourceId}/traffic?pageLimit=100", () => Rows(TrafficTable).Count == 100),
            ("Record", $"#/sources/{sourceId}/traffic/{ids[0]}", () => Heading("Request").Displayed),
            ("Stats (24 h)", $"#/sources/{sourceId}/stats", () => Browser.FindElements(By.CssSelector("figure.chart rect.bar")).Count > 0),
            ("Alerts", $"#/sources/{sourceId}/alerts", () => Heading("New webhook").Displayed),
            ("Members", $"#/sources/{sourceId}/members", () => Heading("Add a member").Displayed),
        ];
        var sizes = new List<long> { signIn };
        foreach (var (name, hash, ready) in pages)
        {
            var bytes = FirstLoad(hash, ready);
            sizes.Add(bytes);
            lines.Add($"  {name,-18} {bytes,7:N0} B");
        }

        // The page of 100 records, rendered again and again from a warm cache: the median of 10.
        var renders = new List<double>();
        var loads = new List<double>();
        for (var i = 0; i < 10; i++)
        {
            Browser.Navigate().GoToUrl("about:blank");
            Open($"#/sources/{sourceId}/traffic?pageLimit=100");
            var measure = Until(() => Js("const r = performance.getEntriesByName('arkyn:render')[0], l = performance.getEntriesByName('arkyn:load')[0]; return r && l ? [r.duration, l.duration] : null;") as IReadOnlyCollection<object>, "the render measure");
            renders.Add(Convert.ToDouble(measure.First()));
            loads.Add(Convert.ToDouble(measure.Last()));
        }
        lines.Add($"page of 100 records, 10 loads: API answer to first frame drawn median {Median(renders):F1} ms (min {renders.Min():F1}, max {renders.Max():F1}); " +
            $"request to drawn median {Median(loads):F1} ms (min {loads.Min():F1}); load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]} on {Environment.ProcessorCount} cores");
        File.WriteAllLines(Path.Combine(OutputFolder(App.Engine.ToString()), "measurements.txt"), lines);
        foreach (var line in lines) TestContext.Current.TestOutputHelper?.WriteLine(line);
        Assert.All(sizes, bytes => Assert.InRange(bytes, 1, 150 * 1024));
    }

    static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    [Fact]
    public async Task Sign_out_forgets_the_token()
    {
        var account = await RegisterAsync();
        OpenSignedIn(account, "#/sources");
        Heading("Traffic sources");
        Button("Sign out").Click();
        Heading("Sign in");
        Assert.Null(SessionToken);
        Open("#/sources");
        Heading("Sign in");
    }

    [Fact]
    public async Task A_401_returns_to_sign_in_and_back_to_the_page_after_it()
    {
        var account = await RegisterAsync();
        await SourceAsync(account, "Expiring");
        OpenSignedIn(account, "#/sources");
        Heading("Traffic sources");
        // The session ends while the page is open, as when the token's lifetime is over.
        Js("sessionStorage.setItem('arkyn.token', arguments[0]);", Jwt.Sign(account.Id, App.Services.GetSigningKey(), DateTime.UtcNow.AddMinutes(-5)));
        Link("Expiring").Click();
        Heading("Sign in");
        Assert.Null(SessionToken);

        Type("Email", account.Email);
        Type("Password", account.Password);
        Button("Sign in").Click();
        Heading("Expiring");
        Assert.Equal("page", Link("Traffic").GetAttribute("aria-current"));
    }

    [Fact]
    public async Task Hostile_captured_values_are_shown_as_text_and_never_run()
    {
        const string path = "/<img/src/onerror=window.__pwned=1>";
        const string headerName = "x-<script>window.__pwned=2</script>";
        const string headerValue = "<img src=x onerror=window.__pwned=3>";
        const string user = "<svg onload=window.__pwned=4>";
        const string requestBody = "<script>window.__pwned=5</script><iframe src=javascript:window.__pwned=6>";
        var account = await RegisterAsync();
        var sourceId = await SourceAsync(account, "<b onmouseover=window.__pwned=7>Hostile</b>");
        await SeedAsync(account, sourceId, [Record(500, path, 12, Now, user: user,
            requestHeaders: new Dictionary<string, string> { [headerName] = headerValue },
            queryParams: new Dictionary<string, string> { ["<q onerror=x>"] = "<img src=x onerror=window.__pwned=8>" },
            requestBody: requestBody, responseBody: new { html = "<img src=x onerror=window.__pwned=9>" })]);

        OpenSignedIn(account, "#/sources");
        Link("<b onmouseover=window.__pwned=7>Hostile</b>").Click();
        var rows = RowsWhen(TrafficTable, r => r.Count == 1, "the hostile record");
        Assert.Equal(path, rows[0][3]);
        Assert.Equal(user, rows[0][5]);
        AssertNothingRan();

        Link(path).Click();
        Heading("Request");
        Assert.Contains([headerName, headerValue], Rows("Request headers"));
        Assert.Contains(["<q onerror=x>", "<img src=x onerror=window.__pwned=8>"], Rows("Query parameters"));
        var bodies = Browser.FindElements(By.CssSelector("section.body pre")).Select(p => p.Text).ToList();
        Assert.Equal(requestBody, bodies[0]);
        Assert.Contains("<img src=x onerror=window.__pwned=9>", bodies[1]);
        AssertNothingRan();

        Link("Stats").Click();
        Link(path);
        AssertNothingRan();
        Screenshot("hostile-record");
    }
}

[Collection(BrowserCollection.Name)]
public sealed class DashboardTestsOnSqlite(SqliteBrowserApp app) : DashboardTests(app), IClassFixture<SqliteBrowserApp>;

[Collection(BrowserCollection.Name)]
public sealed class DashboardTestsOnPostgres(PostgresBrowserApp app) : DashboardTests(app), IClassFixture<PostgresBrowserApp>;

/// <summary>One browser at a time: two Chromium processes side by side would only slow each other on a small machine.</summary>
public static class BrowserCollection
{
    public const string Name = "Browser";
}
