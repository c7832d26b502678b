using Arkyn.Tests.Infrastructure;

namespace Arkyn.Tests.Ingest;

/// <summary>
/// No input stores what later breaks a read (docs/input-rules.md): NUL and lone surrogates become U+FFFD in every field,
/// bodies nest at most 64 levels (a per-field 400, per record in a batch), writes never answer 500 after their commit,
/// and only real ISO 8601 timestamps are taken, at both ends of the calendar.
/// </summary>
public abstract class InputRulesTests(ArkynApp app) : IngestTest(app)
{
    const string Lone = @"\ud800";
    const string Low = @"\udc00";
    const string Nul = @"\u0000";
    const string Fffd = "\uFFFD";

    /// <summary>A record whose every kind of text holds a lone surrogate or NUL (JSON escapes, written by hand: .NET would not).</summary>
    static string PoisonedRecord(string? id = null)
    {
        var record = Record(id);
        record["trafficUserId"] = "u@N@";
        record["pathnameUrl"] = "/p@N@";
        record["requestHeaders"] = new JsonObject { ["h@S@"] = "v@S@", ["x-nul"] = "a@N@b", ["x-arr"] = new JsonArray("@L@", new JsonObject { ["k@N@"] = "@S@" }) };
        record["queryParams"] = new JsonObject { ["q@N@"] = "v@S@" };
        record["requestBody"] = new JsonObject { ["a"] = new JsonArray("x@S@y", "@L@@S@"), ["n@S@"] = "ok 😀 \\u0000 kept", ["pair"] = "@P@" };
        record["responseBody"] = "r@N@";
        return record.ToJsonString().Replace("@S@", Lone).Replace("@L@", Low).Replace("@N@", Nul).Replace("@P@", @"\ud83d\ude00");
    }

    static void AssertCleaned(JsonNode view)
    {
        Assert.Equal($"u{Fffd}", Str(view["trafficUserId"]));
        Assert.Equal($"/p{Fffd}", Str(view["pathname"]));
        var headers = view["request"]!["headers"]!;
        Assert.Equal($"v{Fffd}", Str(headers[$"h{Fffd}"]));
        Assert.Equal($"a{Fffd}b", Str(headers["x-nul"]));
        Assert.Equal(Fffd, Str(headers["x-arr"]![0]));
        Assert.Equal(Fffd, Str(headers["x-arr"]![1]![$"k{Fffd}"]));
        Assert.Equal($"v{Fffd}", Str(view["request"]!["queryParams"]![$"q{Fffd}"]));
        var body = view["request"]!["body"]!;
        Assert.Equal($"x{Fffd}y", Str(body["a"]![0]));
        Assert.Equal(Fffd + Fffd, Str(body["a"]![1]));
        Assert.Equal(@"ok 😀 \u0000 kept", Str(body[$"n{Fffd}"]));
        Assert.Equal("😀", Str(body["pair"]));
        Assert.Equal($"r{Fffd}", Str(view["response"]!["body"]));
    }

    async Task AssertReadableAsync(Tenant t, string id)
    {
        var one = await SendAsync(HttpMethod.Get, $"/http-traffic-record/{t.SourceId}/{id}", token: t.Owner.Token);
        AssertStatus(HttpStatusCode.OK, one);
        var list = await SendAsync(HttpMethod.Get, $"/http-traffic-record/{t.SourceId}?pageLimit=100", token: t.Owner.Token);
        AssertStatus(HttpStatusCode.OK, list);
        var legacy = await SendAsync(HttpMethod.Get, $"/http-traffic/{t.SourceId}?pageLimit=100", token: t.Owner.Token);
        AssertStatus(HttpStatusCode.OK, legacy);
        var stats = await SendAsync(HttpMethod.Get, $"/http-traffic-stats/{t.SourceId}?startDate=2000-01-01T00:00:00Z&endDate=2100-01-01T00:00:00Z", token: t.Owner.Token);
        AssertStatus(HttpStatusCode.OK, stats);
    }

    [Fact]
    public async Task Lone_surrogates_and_nul_become_U_FFFD_in_every_field_of_a_record_and_read_back_the_same()
    {
        var t = await TenantAsync();

        var reply = await SendRawAsync(HttpMethod.Post, $"/http-traffic-record/{t.SourceId}", PoisonedRecord(), t.Key);

        AssertStatus(HttpStatusCode.Created, reply);
        AssertCleaned(reply.Json);
        var id = Str(reply.Json["id"]);
        var stored = await SendAsync(HttpMethod.Get, $"/http-traffic-record/{t.SourceId}/{id}", token: t.Owner.Token);
        AssertStatus(HttpStatusCode.OK, stored);
        AssertCleaned(stored.Json);
        Assert.True(JsonNode.DeepEquals(reply.Json, stored.Json), stored.Body);
        await AssertReadableAsync(t, id);
        var filtered = await SendAsync(HttpMethod.Get, $"/http-traffic-record/{t.SourceId}?trafficUserId=u%00", token: t.Owner.Token);
        AssertStatus(HttpStatusCode.OK, filtered);
        Assert.Equal(id, Str(filtered.Json["data"]![0]!["id"]));
    }

    [Fact]
    public async Task A_poisoned_record_in_a_batch_is_stored_cleaned_beside_the_good_ones()
    {
        var t = await TenantAsync();
        var json = $"{{\"records\":[{Record().ToJsonString()},{PoisonedRecord()},{Record().ToJsonString()}]}}";

        var reply = await SendRawAsync(HttpMethod.Post, $"/http-traffic-record/{t.SourceId}/batch", json, t.Key);

        Assert.True(reply.Status == (HttpStatusCode)207, reply.Body);
        Assert.Equal(3, reply.Json["successes"]!.AsArray().Count);
        Assert.Empty(reply.Json["errors"]!.AsArray());
        var id = Str(reply.Json["successes"]![1]!["id"]);
        var stored = await SendAsync(HttpMethod.Get, $"/http-traffic-record/{t.SourceId}/{id}", token: t.Owner.Token);
        AssertStatus(HttpStatusCode.OK, stored);
        AssertCleaned(stored.Json);
        await AssertReadableAsync(t, id);
    }

    [Fact]
    public async Task The_five_call_flow_stores_cleaned_text_too()
    {
        var t = await TenantAsync();
        var request = await SendRawAsync(HttpMethod.Post, "/request",
            $"{{\"headers\":{{\"h{Lone}\":\"v{Nul}\"}},\"body\":[\"{Lone}\"],\"queryParams\":{{\"q\":\"{Low}\"}}}}", t.Key);
        AssertStatus(HttpStatusCode.Created, request);
        Assert.Equal($"v{Fffd}", Str(request.Json["headers"]![$"h{Fffd}"]));
        Assert.Equal(Fffd, Str(request.Json["body"]![0]));
        var response = await SendRawAsync(HttpMethod.Post, "/response", $"{{\"headers\":{{}},\"body\":\"{Nul}\"}}", t.Key);
        AssertStatus(HttpStatusCode.Created, response);
        Assert.Equal(Fffd, Str(response.Json["body"]));
    }

    [Fact]
    public async Task Nul_and_lone_surrogates_in_names_emails_and_filters_never_answer_500()
    {
        var t = await TenantAsync();
        var email = $"nul-{Guid.NewGuid():N}{Nul}@example.com";
        var user = await SendRawAsync(HttpMethod.Post, "/user", $"{{\"name\":\"A{Nul}{Lone}\",\"email\":\"{email}\",\"password\":\"correct horse battery\"}}");
        Assert.True(user.Status is HttpStatusCode.Created or HttpStatusCode.BadRequest, user.Body);
        if (user.Status == HttpStatusCode.Created) Assert.Equal($"A{Fffd}{Fffd}", Str(user.Json["name"]));
        var login = await SendRawAsync(HttpMethod.Post, "/user/auth", $"{{\"email\":\"x{Nul}@example.com\",\"password\":\"p{Lone}ssword!\"}}");
        AssertProblem(login, HttpStatusCode.Unauthorized);

        var source = await SendRawAsync(HttpMethod.Post, "/traffic-source", $"{{\"name\":\"S{Nul}{Lone}\",\"trafficDomain\":\"nul-{Guid.NewGuid():N}.example.com\"}}", t.Owner.Token);
        AssertStatus(HttpStatusCode.Created, source);
        Assert.Equal($"S{Fffd}{Fffd}", Str(source.Json["name"]));
        var key = await SendRawAsync(HttpMethod.Post, $"/traffic-source/{t.SourceId}/ingest-keys", $"{{\"name\":\"k{Nul}\"}}", t.Owner.Token);
        AssertStatus(HttpStatusCode.Created, key);
        var sources = await SendAsync(HttpMethod.Get, "/traffic-source", token: t.Owner.Token);
        AssertStatus(HttpStatusCode.OK, sources);
        var keys = await SendAsync(HttpMethod.Get, $"/traffic-source/{t.SourceId}/ingest-keys", token: t.Owner.Token);
        AssertStatus(HttpStatusCode.OK, keys);

        foreach (var filter in new[] { "trafficUserId=%00", "pathname=/%00", "pathnameTemplate=/%00", "method=%00", "domain=a%00b", "trafficUserId=%ED%A0%80" })
        {
            var list = await SendAsync(HttpMethod.Get, $"/http-traffic-record/{t.SourceId}?{filter}", token: t.Owner.Token);
            Assert.True(list.Status is HttpStatusCode.OK or HttpStatusCode.BadRequest, $"{filter}: {list.Body}");
            var stats = await SendAsync(HttpMethod.Get, $"/http-traffic-stats/{t.SourceId}?{filter}", token: t.Owner.Token);
            Assert.True(stats.Status is HttpStatusCode.OK or HttpStatusCode.BadRequest, $"{filter}: {stats.Body}");
        }
    }

    /// <summary>The reply as JSON, read deeper than the 64 levels a client reads by default.</summary>
    static JsonNode Deep(Reply reply) => JsonNode.Parse(reply.Body, documentOptions: new() { MaxDepth = 256 })!;

    [Fact]
    public async Task Bytes_that_are_not_UTF_8_become_U_FFFD_in_typed_fields_and_captured_json_alike()
    {
        var t = await TenantAsync();
        static ByteArrayContent Bytes(string before, byte[] bad, string after)
        {
            var content = new ByteArrayContent([.. System.Text.Encoding.UTF8.GetBytes(before), .. bad, .. System.Text.Encoding.UTF8.GetBytes(after)]);
            content.Headers.ContentType = new("application/json");
            return content;
        }

        var source = await SendOnAsync(Client, HttpMethod.Post, "/traffic-source", Bytes("{\"name\":\"S", [0xFF], $"\",\"trafficDomain\":\"bytes-{Guid.NewGuid():N}.example.com\"}}"), t.Owner.Token);
        var request = await SendOnAsync(Client, HttpMethod.Post, "/request", Bytes("{\"headers\":{\"x", [0xC0, 0xAF], "\":\"v\"},\"queryParams\":{}}"), t.Key);

        AssertStatus(HttpStatusCode.Created, source);
        Assert.Equal($"S{Fffd}", Str(source.Json["name"]));
        AssertStatus(HttpStatusCode.Created, request);
        Assert.Equal("v", Str(request.Json["headers"]![$"x{Fffd}{Fffd}"]));
    }

    static string Nested(int depth, string inner = "1") => new string('[', depth) + inner + new string(']', depth);

    [Fact]
    public async Task A_body_of_64_levels_is_stored_and_read_by_every_route_and_65_is_a_400_naming_the_field()
    {
        var t = await TenantAsync();
        var deepest = Record().ToJsonString().Replace("\"requestBody\":null", $"\"requestBody\":{Nested(32, "{\"a\":" + Nested(31) + "}")}");

        var stored = await SendRawAsync(HttpMethod.Post, $"/http-traffic-record/{t.SourceId}", deepest, t.Key);

        AssertStatus(HttpStatusCode.Created, stored);
        var id = Str(Deep(stored)["id"]);
        await AssertReadableAsync(t, id);
        var one = await SendAsync(HttpMethod.Get, $"/http-traffic-record/{t.SourceId}/{id}", token: t.Owner.Token);
        Assert.True(JsonNode.DeepEquals(Deep(stored)["request"]!["body"], Deep(one)["request"]!["body"]));

        foreach (var field in new[] { "requestBody", "responseBody", "requestHeaders", "queryParams", "responseHeaders" })
        {
            var record = Record();
            record.Remove(field);
            var json = record.ToJsonString()[..^1] + $",\"{field}\":{{\"a\":{Nested(64)}}}}}";
            var reply = await SendRawAsync(HttpMethod.Post, $"/http-traffic-record/{t.SourceId}", json, t.Key);
            AssertProblem(reply, HttpStatusCode.BadRequest, field);
        }
        var request = await SendRawAsync(HttpMethod.Post, "/request", $"{{\"headers\":{{}},\"queryParams\":{{}},\"body\":{Nested(65)}}}", t.Key);
        AssertProblem(request, HttpStatusCode.BadRequest, "body");
        var response = await SendRawAsync(HttpMethod.Post, "/response", $"{{\"headers\":{{}},\"body\":{Nested(65)}}}", t.Key);
        AssertProblem(response, HttpStatusCode.BadRequest, "body");
        Assert.Equal(1, (await FootprintAsync(t)).Traffic);
    }

    [Fact]
    public async Task A_record_nested_too_deep_is_its_own_error_and_the_batch_keeps_the_good_ones()
    {
        var t = await TenantAsync();
        string WithBody(string body) => Record().ToJsonString().Replace("\"requestBody\":null", $"\"requestBody\":{body}");
        var json = $"{{\"records\":[{WithBody(Nested(64))},{WithBody(Nested(65))},{WithBody(Nested(900))},{Record().ToJsonString()}]}}";

        var reply = await SendRawAsync(HttpMethod.Post, $"/http-traffic-record/{t.SourceId}/batch", json, t.Key);

        Assert.True(reply.Status == (HttpStatusCode)207, reply.Body);
        Assert.Equal([0, 3], reply.Json["successes"]!.AsArray().Select(s => s!["index"]!.GetValue<int>()));
        var errors = reply.Json["errors"]!.AsArray();
        Assert.Equal([1, 2], errors.Select(e => e!["index"]!.GetValue<int>()));
        Assert.All(errors, e => Assert.NotNull(e!["errors"]!["requestBody"]));
        await AssertReadableAsync(t, Str(reply.Json["successes"]![0]!["id"]));
        Assert.Equal(2, (await FootprintAsync(t)).Traffic);
    }

    [Theory]
    [InlineData("startDate=1.5", "startDate")]
    [InlineData("endDate=11/26/2026", "endDate")]
    [InlineData("startDate=2026-11-26T07:15:00Z%20junk", "startDate")]
    [InlineData("startDate=0000-01-01T00:00:00Z", "startDate")]
    [InlineData("startDate=2026-01-01T00:00:00Z&startDate=2026-02-01T00:00:00Z", "startDate")]
    [InlineData("status=200&status=500", "status")]
    [InlineData("page=1&page=2", "page")]
    public async Task Only_real_ISO_8601_timestamps_are_filters_and_no_parameter_is_given_twice(string query, string field)
    {
        var t = await SharedTenantAsync();
        foreach (var route in new[] { "http-traffic-record", "http-traffic-stats" })
        {
            var reply = await SendAsync(HttpMethod.Get, $"/{route}/{t.SourceId}?{query}", token: t.Owner.Token);
            AssertProblem(reply, HttpStatusCode.BadRequest, field);
        }
    }

    [Theory]
    [InlineData("endDate=0001-01-01T00:00:00Z")]
    [InlineData("startDate=0001-01-01T00:00:00Z")]
    [InlineData("startDate=0001-01-01T00:00:00Z&endDate=9999-12-31T23:59:59.9999999Z")]
    [InlineData("endDate=9999-12-31T23:59:59.999Z")]
    [InlineData("startDate=9999-12-31T23:59:59Z")]
    [InlineData("endDate=0001-01-01T00:00:00.001Z&interval=1m")]
    [InlineData("startDate=9999-12-31T23:00:00Z&endDate=9999-12-31T23:59:59.999Z&interval=1m")]
    [InlineData("startDate=0001-01-01T00:00:00Z&endDate=0001-01-02T00:00:00Z&interval=1h")]
    [InlineData("startDate=0001-01-01&endDate=9999-12-31")]
    public async Task Windows_at_the_ends_of_the_calendar_answer_200_or_400_never_500(string query)
    {
        var t = await SharedTenantAsync();
        foreach (var route in new[] { "http-traffic-record", "http-traffic-stats", "http-traffic" })
        {
            var reply = await SendAsync(HttpMethod.Get, $"/{route}/{t.SourceId}?{query}", token: t.Owner.Token);
            Assert.True(reply.Status is HttpStatusCode.OK or HttpStatusCode.BadRequest, $"{route}?{query}: {(int)reply.Status} {reply.Body}");
            if (reply.Status == HttpStatusCode.BadRequest) AssertProblem(reply, HttpStatusCode.BadRequest);
        }
    }

    [Theory]
    [InlineData("1.5", HttpStatusCode.BadRequest)]
    [InlineData("2026-11-26", HttpStatusCode.Created)]
    [InlineData("2026-11-26T07:15:00.1234567+02:00", HttpStatusCode.Created)]
    [InlineData("0001-01-01T00:00:00Z", HttpStatusCode.Created)]
    [InlineData("9999-12-31T23:59:59.999Z", HttpStatusCode.Created)]
    [InlineData("0001-01-01T00:00:00+01:00", HttpStatusCode.BadRequest)]
    [InlineData("9999-12-31T23:59:59-01:00", HttpStatusCode.BadRequest)]
    [InlineData("Tue, 1 Dec 2026 10:00:00 GMT", HttpStatusCode.BadRequest)]
    public async Task Record_timestamps_are_ISO_8601_and_the_ends_of_the_calendar_read_back(string timestamp, HttpStatusCode expected)
    {
        var t = await TenantAsync();
        var record = Record();
        record["timestamp"] = timestamp;

        var reply = await PostRecordAsync(t, record);

        if (expected == HttpStatusCode.BadRequest)
        {
            AssertProblem(reply, expected, "timestamp");
            return;
        }
        AssertStatus(expected, reply);
        await AssertReadableAsync(t, Str(reply.Json["id"]));
        var all = await SendAsync(HttpMethod.Get, $"/http-traffic-stats/{t.SourceId}?startDate=0001-01-01T00:00:00Z&endDate=9999-12-31T23:59:59.999Z",
            token: t.Owner.Token);
        AssertStatus(HttpStatusCode.OK, all);
        var list = await SendAsync(HttpMethod.Get, $"/http-traffic-record/{t.SourceId}?startDate=0001-01-01T00:00:00Z", token: t.Owner.Token);
        Assert.Equal(1, list.Json["meta"]!["totalItems"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_record_stored_before_these_rules_with_a_lone_surrogate_reads_cleaned()
    {
        var t = await TenantAsync();
        var reply = await PostRecordAsync(t, Record());
        AssertStatus(HttpStatusCode.Created, reply);
        var requestId = Str(reply.Json["requestId"]);
        await ExecuteSqlAsync($"UPDATE requests SET body = '{{\"{Lone}\":\"a{Lone}b{Nul}\"}}' WHERE id = '{requestId}'");

        var stored = await SendAsync(HttpMethod.Get, $"/http-traffic-record/{t.SourceId}/{Str(reply.Json["id"])}", token: t.Owner.Token);

        AssertStatus(HttpStatusCode.OK, stored);
        Assert.Equal($"a{Fffd}b{Fffd}", Str(stored.Json["request"]!["body"]![Fffd]));
        await AssertReadableAsync(t, Str(reply.Json["id"]));
    }
}

public sealed class InputRulesTestsOnSqlite(SqliteApp app) : InputRulesTests(app), IClassFixture<SqliteApp>;

public sealed class InputRulesTestsOnPostgres(PostgresApp app) : InputRulesTests(app), IClassFixture<PostgresApp>;
