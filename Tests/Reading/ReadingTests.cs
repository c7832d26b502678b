using System.Globalization;
using System.Text.Json.Nodes;
using Arkyn.Tests.Infrastructure;

namespace Arkyn.Tests.Reading;

/// <summary>
/// The reading routes against a data set this test builds itself: every expected count and statistic below is
/// computed here from that data set, not taken from the server.
/// </summary>
public abstract class ReadingTests(ArkynApp app) : ApiTest(app)
{
    static readonly DateTimeOffset Base = new(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);
    static readonly string[] Methods = ["GET", "POST", "DELETE"];
    static readonly int[] Statuses = [200, 201, 301, 404, 422, 500, 503];

    public sealed record Seeded(string Id, string Method, int Status, string Domain, string Path, string Template, string? User, double Elapsed, DateTimeOffset At)
    {
        public string Level => Status >= 500 ? "FATAL" : Status >= 400 ? "WARNING" : "INFO";
    }

    protected sealed record World(Account Owner, string SourceId, List<Seeded> Records);

    /// <summary>84 records over 84 minutes: methods, statuses, two domains, id-bearing paths, users and elapsed times all vary.</summary>
    protected async Task<World> SeedAsync()
    {
        var owner = await RegisterAsync();
        var source = await SendAsync(HttpMethod.Post, "/traffic-source", new { name = "Shop", trafficDomain = $"{Guid.NewGuid():N}.example.com" }, owner.Token);
        var sourceId = source.Json["id"]!.GetValue<string>();
        var records = Enumerable.Range(0, 84).Select(i => new Seeded(
            Guid.CreateVersion7().ToString(),
            Methods[i % 3],
            Statuses[i % 7],
            i % 4 == 0 ? "admin.example.com" : "api.example.com",
            i % 2 == 0 ? $"/users/{i}" : $"/orders/{i * 7}/items",
            i % 2 == 0 ? "/users/{id}" : "/orders/{id}/items",
            i % 5 == 0 ? null : $"user-{i % 3}",
            (i * 37 % 101) + 0.25,
            Base.AddMinutes(i))).ToList();
        var batch = await SendAsync(HttpMethod.Post, $"/http-traffic-record/{sourceId}/batch", new
        {
            records = records.Select(r => new
            {
                id = r.Id, timestamp = r.At.ToString("O"), domainUrl = $"https://{r.Domain}", pathnameUrl = r.Path,
                method = r.Method.ToLowerInvariant(), status = r.Status, elapsedTime = r.Elapsed, trafficUserId = r.User,
                requestHeaders = new { }, queryParams = new { }, responseHeaders = new { },
            }),
        }, owner.Token);
        Assert.Equal(HttpStatusCode.MultiStatus, batch.Status);
        Assert.Equal(84, batch.Json["successes"]!.AsArray().Count);
        return new World(owner, sourceId, records);
    }

    static string Iso(DateTimeOffset at) => at.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static TheoryData<string, string> Filters => new()
    {
        { "method=post", "method" },
        { "status=404", "status" },
        { "statusClass=5xx", "statusClass" },
        { "level=warning", "level" },
        { "domain=ADMIN.example.com", "domain" },
        { "pathname=/users/42", "pathname" },
        { "pathnameTemplate=/orders/{id}/items", "pathnameTemplate" },
        { "trafficUserId=user-1", "trafficUserId" },
        { "minElapsed=50", "minElapsed" },
        { "maxElapsed=20.25", "maxElapsed" },
        { $"startDate={Iso(Base.AddMinutes(10))}", "startDate" },
        { $"endDate={Iso(Base.AddMinutes(10))}", "endDate" },
        { $"startDate={Iso(Base.AddMinutes(10))}&endDate={Iso(Base.AddMinutes(20))}&method=GET&statusClass=2xx", "combined" },
        { "level=FATAL&domain=api.example.com&pathnameTemplate=/users/{id}&minElapsed=10&maxElapsed=90", "combined" },
    };

    static bool Matches(Seeded r, string query) => query.Split('&').All(part =>
    {
        var (key, value) = (part.Split('=')[0], Uri.UnescapeDataString(part.Split('=')[1]));
        return key switch
        {
            "method" => r.Method == value.ToUpperInvariant(),
            "status" => r.Status == int.Parse(value),
            "statusClass" => r.Status / 100 == value[0] - '0',
            "level" => r.Level == value.ToUpperInvariant(),
            "domain" => r.Domain == value.ToLowerInvariant(),
            "pathname" => r.Path == value,
            "pathnameTemplate" => r.Template == value,
            "trafficUserId" => r.User == value,
            "minElapsed" => r.Elapsed >= double.Parse(value, CultureInfo.InvariantCulture),
            "maxElapsed" => r.Elapsed <= double.Parse(value, CultureInfo.InvariantCulture),
            "startDate" => r.At >= DateTimeOffset.Parse(value, CultureInfo.InvariantCulture),
            "endDate" => r.At < DateTimeOffset.Parse(value, CultureInfo.InvariantCulture),
            _ => throw new ArgumentException(key),
        };
    });

    [Theory]
    [MemberData(nameof(Filters))]
    public async Task Each_filter_selects_exactly_the_matching_records_newest_first(string query, string _)
    {
        var world = await SeedAsync();
        var expected = world.Records.Where(r => Matches(r, query)).OrderByDescending(r => r.At).Select(r => r.Id).ToList();
        Assert.NotEmpty(expected);

        var reply = await SendAsync(HttpMethod.Get, $"/http-traffic-record/{world.SourceId}?{query.Replace("{", "%7B").Replace("}", "%7D")}&pageLimit=100", token: world.Owner.Token);

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.Equal(expected.Count, reply.Json["meta"]!["totalItems"]!.GetValue<int>());
        Assert.Equal(expected, reply.Json["data"]!.AsArray().Select(r => r!["id"]!.GetValue<string>()));
    }

    [Fact]
    public async Task A_record_view_carries_its_domain_pathname_request_and_response()
    {
        var world = await SeedAsync();
        var seeded = world.Records[42];

        var one = await SendAsync(HttpMethod.Get, $"/http-traffic-record/{world.SourceId}/{seeded.Id}", token: world.Owner.Token);

        Assert.Equal(HttpStatusCode.OK, one.Status);
        var view = one.Json;
        Assert.Equal(["id", "status", "method", "level", "elapsedTime", "trafficUserId", "trafficSourceId", "domainId", "pathnameId",
            "requestId", "responseId", "createdAt", "domain", "protocol", "pathname", "request", "response"], view.AsObject().Select(p => p.Key));
        Assert.Equal(seeded.Path, view["pathname"]!.GetValue<string>());
        Assert.Equal(seeded.Domain, view["domain"]!.GetValue<string>());
        Assert.Equal("HTTPS", view["protocol"]!.GetValue<string>());
        Assert.Equal(seeded.Level, view["level"]!.GetValue<string>());
        Assert.Equal(seeded.At.UtcDateTime.ToString("MM/dd/yyyy 'at' HH:mm:ss", CultureInfo.InvariantCulture), view["createdAt"]!.GetValue<string>());
        Assert.NotNull(view["request"]!["queryParams"]);
        Assert.NotNull(view["response"]!["headers"]);
    }

    [Theory]
    [InlineData("method=FETCH", "method")]
    [InlineData("status=99", "status")]
    [InlineData("status=abc", "status")]
    [InlineData("statusClass=6xx", "statusClass")]
    [InlineData("level=DEBUG", "level")]
    [InlineData("domain=not a host", "domain")]
    [InlineData("pathname=users", "pathname")]
    [InlineData("minElapsed=-1", "minElapsed")]
    [InlineData("maxElapsed=fast", "maxElapsed")]
    [InlineData("startDate=yesterday", "startDate")]
    [InlineData("endDate=2026-13-45", "endDate")]
    [InlineData("startDate=2026-11-21T00:00:00Z&endDate=2026-11-20T00:00:00Z", "endDate")]
    [InlineData("cursor=not-a-cursor", "cursor")]
    [InlineData("pageLimit=101", "pageLimit")]
    [InlineData("pageLimit=0", "pageLimit")]
    [InlineData("page=0", "page")]
    public async Task Invalid_filter_values_are_400_naming_the_parameter(string query, string field)
    {
        var owner = await RegisterAsync();
        var source = await SendAsync(HttpMethod.Post, "/traffic-source", new { name = "S", trafficDomain = $"{Guid.NewGuid():N}.example.com" }, owner.Token);

        var reply = await SendAsync(HttpMethod.Get, $"/http-traffic-record/{source.Json["id"]}?{query}", token: owner.Token);

        AssertProblem(reply, HttpStatusCode.BadRequest, field);
    }

    [Fact]
    public async Task Cursor_paging_visits_each_row_exactly_once_while_new_rows_arrive()
    {
        var world = await SeedAsync();
        var seen = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var reply = await SendAsync(HttpMethod.Get,
                $"/http-traffic-record/{world.SourceId}?pageLimit=9{(cursor is null ? "" : $"&cursor={cursor}")}", token: world.Owner.Token);
            Assert.Equal(HttpStatusCode.OK, reply.Status);
            seen.AddRange(reply.Json["data"]!.AsArray().Select(r => r!["id"]!.GetValue<string>()));
            cursor = reply.Json["meta"]!["nextCursor"]?.GetValue<string>();
            // New traffic lands above what was seen: later, or in the same millisecond as the newest row (a newer id sorts first).
            var at = pages % 2 == 0 ? Base.AddHours(3).AddMinutes(pages) : world.Records.Max(r => r.At);
            await SendAsync(HttpMethod.Post, $"/http-traffic-record/{world.SourceId}", new
            {
                timestamp = at.ToString("O"), domainUrl = "https://api.example.com", pathnameUrl = "/late",
                method = "GET", status = 200, elapsedTime = 1, requestHeaders = new { }, queryParams = new { }, responseHeaders = new { },
            }, world.Owner.Token);
            pages++;
        } while (cursor is not null && pages < 50);

        Assert.Equal(world.Records.OrderByDescending(r => r.At).Select(r => r.Id), seen);
        Assert.Equal(10, pages);
    }

    [Fact]
    public async Task Page_paging_reports_the_count_and_a_cursor_to_continue()
    {
        var world = await SeedAsync();

        var second = await SendAsync(HttpMethod.Get, $"/http-traffic-record/{world.SourceId}?page=2&limit=10", token: world.Owner.Token);

        Assert.Equal(HttpStatusCode.OK, second.Status);
        var meta = second.Json["meta"]!;
        Assert.Equal(2, meta["page"]!.GetValue<int>());
        Assert.Equal(10, meta["pageLimit"]!.GetValue<int>());
        Assert.Equal(84, meta["totalItems"]!.GetValue<int>());
        var expected = world.Records.OrderByDescending(r => r.At).Skip(10).Take(10).Select(r => r.Id).ToList();
        Assert.Equal(expected, second.Json["data"]!.AsArray().Select(r => r!["id"]!.GetValue<string>()));

        var next = await SendAsync(HttpMethod.Get, $"/http-traffic-record/{world.SourceId}?limit=10&cursor={meta["nextCursor"]}", token: world.Owner.Token);
        Assert.Equal(world.Records.OrderByDescending(r => r.At).Skip(20).Take(10).Select(r => r.Id),
            next.Json["data"]!.AsArray().Select(r => r!["id"]!.GetValue<string>()));
    }

    /// <summary>percentile_cont, written out independently of the server: rank p·(n−1), linear between its neighbours.</summary>
    static double PercentileCont(IEnumerable<double> values, double p)
    {
        var v = values.Order().ToArray();
        var rank = p * (v.Length - 1);
        var below = v[(int)rank];
        var above = v[Math.Min((int)rank + 1, v.Length - 1)];
        return Math.Round(below + (rank - (int)rank) * (above - below), 3);
    }

    [Fact]
    public async Task Percentile_cont_matches_known_values()
    {
        var values = Enumerable.Range(1, 100).Select(i => (double)i).ToList();
        Assert.Equal(50.5, PercentileCont(values, 0.5));
        Assert.Equal(95.05, PercentileCont(values, 0.95));
        Assert.Equal(99.01, PercentileCont(values, 0.99));

        // The same data through the server: one endpoint with elapsed 1..100.
        var owner = await RegisterAsync();
        var source = (await SendAsync(HttpMethod.Post, "/traffic-source", new { name = "P", trafficDomain = $"{Guid.NewGuid():N}.example.com" }, owner.Token)).Json["id"];
        await SendAsync(HttpMethod.Post, $"/http-traffic-record/{source}/batch", new
        {
            records = values.Select(v => new
            {
                timestamp = Iso(Base.AddSeconds(v)), domainUrl = "https://p.example.com", pathnameUrl = "/p", method = "GET", status = 200,
                elapsedTime = v, requestHeaders = new { }, queryParams = new { }, responseHeaders = new { },
            }),
        }, owner.Token);
        var stats = await SendAsync(HttpMethod.Get, $"/http-traffic-stats/{source}?startDate={Iso(Base)}&endDate={Iso(Base.AddHours(1))}", token: owner.Token);
        var endpoint = Assert.Single(stats.Json["endpoints"]!.AsArray())!;
        Assert.Equal(50.5, endpoint["p50"]!.GetValue<double>());
        Assert.Equal(95.05, endpoint["p95"]!.GetValue<double>());
        Assert.Equal(99.01, endpoint["p99"]!.GetValue<double>());
        Assert.Equal(100, endpoint["maxElapsed"]!.GetValue<double>());
    }

    [Fact]
    public async Task Stats_per_endpoint_match_an_independent_computation()
    {
        var world = await SeedAsync();
        var window = world.Records.Where(r => r.At >= Base.AddMinutes(5) && r.At < Base.AddMinutes(75)).ToList();

        var reply = await SendAsync(HttpMethod.Get,
            $"/http-traffic-stats/{world.SourceId}?startDate={Iso(Base.AddMinutes(5))}&endDate={Iso(Base.AddMinutes(75))}", token: world.Owner.Token);

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.Null(reply.Json["series"]);
        AssertEndpointStats(window, reply.Json["endpoints"]!.AsArray());
    }

    [Theory]
    [MemberData(nameof(Filters))]
    public async Task Stats_count_exactly_the_records_each_filter_selects(string query, string _)
    {
        var world = await SeedAsync();
        var selected = world.Records.Where(r => Matches(r, query)).ToList();
        // The seeded day is older than the default window (the last 24 h): name it unless the filter does.
        var window = query.Contains("Date=") ? "" : $"startDate={Iso(Base)}&endDate={Iso(Base.AddHours(2))}&";

        var reply = await SendAsync(HttpMethod.Get,
            $"/http-traffic-stats/{world.SourceId}?{window}{query.Replace("{", "%7B").Replace("}", "%7D")}", token: world.Owner.Token);

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        AssertEndpointStats(selected, reply.Json["endpoints"]!.AsArray());
    }

    static void AssertEndpointStats(List<Seeded> records, JsonArray endpoints)
    {
        var groups = records.GroupBy(r => (r.Domain, r.Method, r.Template)).ToList();
        Assert.NotEmpty(groups);
        Assert.Equal(groups.Count, endpoints.Count);
        foreach (var group in groups)
        {
            var e = endpoints.Single(x => x!["domain"]!.GetValue<string>() == group.Key.Domain
                && x["method"]!.GetValue<string>() == group.Key.Method && x["pathnameTemplate"]!.GetValue<string>() == group.Key.Template)!;
            var errors = group.Count(r => r.Status is >= 400 and < 500);
            var fatals = group.Count(r => r.Status >= 500);
            Assert.Equal(group.Count(), e["count"]!.GetValue<int>());
            Assert.Equal(errors, e["errorCount"]!.GetValue<int>());
            Assert.Equal(fatals, e["fatalCount"]!.GetValue<int>());
            Assert.Equal(Math.Round((double)(errors + fatals) / group.Count(), 4), e["errorRate"]!.GetValue<double>());
            Assert.Equal(PercentileCont(group.Select(r => r.Elapsed), 0.50), e["p50"]!.GetValue<double>());
            Assert.Equal(PercentileCont(group.Select(r => r.Elapsed), 0.95), e["p95"]!.GetValue<double>());
            Assert.Equal(PercentileCont(group.Select(r => r.Elapsed), 0.99), e["p99"]!.GetValue<double>());
            Assert.Equal(group.Max(r => r.Elapsed), e["maxElapsed"]!.GetValue<double>());
        }
    }

    [Fact]
    public async Task Stats_series_has_one_bucket_per_interval_including_empty_ones()
    {
        var world = await SeedAsync();
        var start = Base.AddMinutes(-10);
        var end = Base.AddMinutes(120);

        var reply = await SendAsync(HttpMethod.Get,
            $"/http-traffic-stats/{world.SourceId}?startDate={Iso(start)}&endDate={Iso(end)}&interval=5m&statusClass=5xx", token: world.Owner.Token);

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        var series = reply.Json["series"]!.AsArray();
        Assert.Equal(26, series.Count);
        for (var i = 0; i < series.Count; i++)
        {
            var bucketStart = start.AddMinutes(5 * i);
            var inBucket = world.Records.Where(r => r.Status >= 500 && r.At >= bucketStart && r.At < bucketStart.AddMinutes(5)).ToList();
            var bucket = series[i]!;
            Assert.Equal(bucketStart.UtcDateTime.ToString("MM/dd/yyyy 'at' HH:mm:ss", CultureInfo.InvariantCulture), bucket["start"]!.GetValue<string>());
            Assert.Equal(inBucket.Count, bucket["count"]!.GetValue<int>());
            Assert.Equal(inBucket.Count, bucket["fatalCount"]!.GetValue<int>());
            Assert.Equal(0, bucket["errorCount"]!.GetValue<int>());
            if (inBucket.Count == 0) Assert.Null(bucket["p95"]);
            else Assert.Equal(PercentileCont(inBucket.Select(r => r.Elapsed), 0.95), bucket["p95"]!.GetValue<double>());
        }
        Assert.Contains(series, b => b!["count"]!.GetValue<int>() == 0);
    }

    [Fact]
    public async Task Stats_reject_bad_intervals_and_windows()
    {
        var world = await SeedAsync();
        AssertProblem(await SendAsync(HttpMethod.Get, $"/http-traffic-stats/{world.SourceId}?interval=2m", token: world.Owner.Token), HttpStatusCode.BadRequest, "interval");
        AssertProblem(await SendAsync(HttpMethod.Get,
            $"/http-traffic-stats/{world.SourceId}?interval=1m&startDate=2020-01-01T00:00:00Z&endDate=2026-01-01T00:00:00Z", token: world.Owner.Token),
            HttpStatusCode.BadRequest, "interval");
    }

    [Fact]
    public async Task Another_user_can_neither_read_nor_detect_the_traffic()
    {
        var world = await SeedAsync();
        var intruder = await RegisterAsync();
        var own = (await SendAsync(HttpMethod.Post, "/traffic-source", new { name = "Mine", trafficDomain = $"{Guid.NewGuid():N}.example.com" }, intruder.Token)).Json["id"];
        var recordId = world.Records[0].Id;

        AssertProblem(await SendAsync(HttpMethod.Get, $"/http-traffic-record/{world.SourceId}", token: intruder.Token), HttpStatusCode.Forbidden);
        AssertProblem(await SendAsync(HttpMethod.Get, $"/http-traffic-stats/{world.SourceId}", token: intruder.Token), HttpStatusCode.Forbidden);
        AssertProblem(await SendAsync(HttpMethod.Get, $"/http-traffic-record/{world.SourceId}/{recordId}", token: intruder.Token), HttpStatusCode.Forbidden);
        var viaOwnSource = AssertProblem(await SendAsync(HttpMethod.Get, $"/http-traffic-record/{own}/{recordId}", token: intruder.Token), HttpStatusCode.NotFound);
        var unknown = AssertProblem(await SendAsync(HttpMethod.Get, $"/http-traffic-record/{own}/{Guid.CreateVersion7()}", token: intruder.Token), HttpStatusCode.NotFound);
        Assert.Equal(unknown["detail"]!.ToJsonString(), viaOwnSource["detail"]!.ToJsonString());
        Assert.Equal(unknown["errors"]!.ToJsonString(), viaOwnSource["errors"]!.ToJsonString());

        var ownList = await SendAsync(HttpMethod.Get, $"/http-traffic-record/{own}", token: intruder.Token);
        Assert.Equal(0, ownList.Json["meta"]!["totalItems"]!.GetValue<int>());
        var ownStats = await SendAsync(HttpMethod.Get, $"/http-traffic-stats/{own}?startDate=2026-01-01T00:00:00Z&endDate=2027-01-01T00:00:00Z", token: intruder.Token);
        Assert.Empty(ownStats.Json["endpoints"]!.AsArray());
    }

    [Theory]
    [InlineData("/users/42/orders/9", "/users/{id}/orders/{id}")]
    [InlineData("/users/0197548f-0e8e-7550-b283-f26fd98a9423", "/users/{id}")]
    [InlineData("/blobs/9f86d081884c7d65", "/blobs/{id}")]
    [InlineData("/tokens/aB3dE5fG7hJ9kL1mN3pQ", "/tokens/{id}")]
    [InlineData("/v2/users/me", "/v2/users/me")]
    [InlineData("/deadbeef/facade", "/deadbeef/facade")]
    [InlineData("/", "/")]
    public async Task Pathnames_get_templates_with_ids_replaced(string pathname, string template)
    {
        var owner = await RegisterAsync();
        var source = (await SendAsync(HttpMethod.Post, "/traffic-source", new { name = "T", trafficDomain = $"{Guid.NewGuid():N}.example.com" }, owner.Token)).Json["id"];
        await SendAsync(HttpMethod.Post, $"/http-traffic-record/{source}", new
        {
            domainUrl = "https://t.example.com", pathnameUrl = pathname, method = "GET", status = 200, elapsedTime = 1,
            requestHeaders = new { }, queryParams = new { }, responseHeaders = new { },
        }, owner.Token);

        var found = await SendAsync(HttpMethod.Get, $"/http-traffic-record/{source}?pathnameTemplate={Uri.EscapeDataString(template)}", token: owner.Token);

        Assert.Equal(1, found.Json["meta"]!["totalItems"]!.GetValue<int>());
        Assert.Equal(pathname, found.Json["data"]![0]!["pathname"]!.GetValue<string>());
    }
}

public sealed class ReadingTestsOnSqlite(SqliteApp app) : ReadingTests(app), IClassFixture<SqliteApp>;

public sealed class ReadingTestsOnPostgres(PostgresApp app) : ReadingTests(app), IClassFixture<PostgresApp>;
