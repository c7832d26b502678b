using System.Net.Http.Headers;
using System.Text;
using Arkyn.Tests.Infrastructure;

namespace Arkyn.Tests.Ingest;

/// <summary>
/// POST /ingest-log: the route of the Arkyn npm client (@arkyn/server), its request replayed exactly as captured on the
/// wire (../shared/spec/arkyn-client.md), with an ingest key or the owner's token as the client's userToken.
/// </summary>
public abstract class IngestLogTests(ArkynApp app) : IngestTest(app)
{
    /// <summary>The body the client sent, byte for byte, with the traffic source put in.</summary>
    static string Captured(string sourceId) =>
        """{"domainUrl":"http://127.0.0.1:5077","pathnameUrl":"/healthz","trafficSourceId":"@SOURCE@","status":200,"protocol":"http","method":"get","trafficUserId":null,"elapsedTime":53.369747000000004,"requestHeaders":"{\"Content-Type\":\"application/json\"}","requestBody":"null","queryParams":"{\"probe\":\"1\"}","responseHeaders":"{\"content-type\":\"application/json; charset=utf-8\",\"date\":\"Tue, 01 Dec 2026 18:58:46 GMT\",\"server\":\"Kestrel\",\"transfer-encoding\":\"chunked\"}","responseBody":"{\"status\":\"Healthy\"}"}"""
            .Replace("@SOURCE@", sourceId);

    /// <summary>As the client sends it: its own headers, the token as Bearer.</summary>
    Task<Reply> PostLogAsync(string body, string? token, HttpClient? client = null) =>
        SendOnAsync(client ?? Client, HttpMethod.Post, "/ingest-log", new ByteArrayContent(Encoding.UTF8.GetBytes(body)), token, request =>
        {
            request.Content!.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            request.Headers.Accept.ParseAdd("*/*");
            request.Headers.UserAgent.ParseAdd("node");
            request.Headers.AcceptEncoding.ParseAdd("gzip, deflate");
        });

    static void AssertCapturedRecord(JsonNode view, string sourceId)
    {
        Assert.Equal(RecordViewFields, view.AsObject().Select(p => p.Key));
        Assert.Equal(200, view["status"]!.GetValue<int>());
        Assert.Equal("GET", Str(view["method"]));
        Assert.Equal("INFO", Str(view["level"]));
        Assert.Equal(53.369747000000004, view["elapsedTime"]!.GetValue<double>());
        Assert.Null(view["trafficUserId"]);
        Assert.Equal(sourceId, Str(view["trafficSourceId"]));
        Assert.Equal("127.0.0.1:5077", Str(view["domain"]));
        Assert.Equal("HTTP", Str(view["protocol"]));
        Assert.Equal("/healthz", Str(view["pathname"]));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""
            {"headers":{"Content-Type":"application/json"},"body":null,"bodyTruncated":false,"queryParams":{"probe":"1"}}
            """), view["request"]), view["request"]!.ToJsonString());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""
            {"headers":{"content-type":"application/json; charset=utf-8","date":"Tue, 01 Dec 2026 18:58:46 GMT","server":"Kestrel","transfer-encoding":"chunked"},
             "body":{"status":"Healthy"},"bodyTruncated":false}
            """), view["response"]), view["response"]!.ToJsonString());
    }

    [Fact]
    public async Task The_captured_request_with_an_ingest_key_is_stored_as_a_record()
    {
        var t = await TenantAsync();

        var reply = await PostLogAsync(Captured(t.SourceId), t.Key);

        AssertStatus(HttpStatusCode.Created, reply);
        Assert.Equal("application/json", reply.ContentType);
        AssertCapturedRecord(reply.Json, t.SourceId);
        Assert.Equal(t.KeyId, await ScalarAsync<string>($"SELECT ingest_key_id FROM requests WHERE id = '{Str(reply.Json["requestId"])}'"));
        Assert.Equal(new Footprint(1, 1, 1, 1, 1), await FootprintAsync(t));

        // Read back, it is the record the answer showed.
        var stored = await SendAsync(HttpMethod.Get, $"/http-traffic-record/{t.SourceId}/{Str(reply.Json["id"])}", token: t.Owner.Token);
        AssertStatus(HttpStatusCode.OK, stored);
        Assert.True(JsonNode.DeepEquals(reply.Json, stored.Json), stored.Body);
    }

    [Fact]
    public async Task The_captured_request_with_the_owners_token_is_stored_as_a_record()
    {
        var t = await TenantAsync();

        var reply = await PostLogAsync(Captured(t.SourceId), t.Owner.Token);

        AssertStatus(HttpStatusCode.Created, reply);
        AssertCapturedRecord(reply.Json, t.SourceId);
        Assert.Equal(t.Owner.Id, await ScalarAsync<string>($"SELECT user_id FROM requests WHERE id = '{Str(reply.Json["requestId"])}' AND ingest_key_id IS NULL"));
        Assert.Equal(1, (await FootprintAsync(t)).Traffic);
    }

    [Fact]
    public async Task Each_call_is_a_new_record_and_a_given_id_makes_retries_safe()
    {
        var t = await TenantAsync();
        AssertStatus(HttpStatusCode.Created, await PostLogAsync(Captured(t.SourceId), t.Key));
        AssertStatus(HttpStatusCode.Created, await PostLogAsync(Captured(t.SourceId), t.Key));
        Assert.Equal(new Footprint(1, 1, 2, 2, 2), await FootprintAsync(t));

        var id = NewId();
        var withId = Captured(t.SourceId).Replace("{\"domainUrl\"", $"{{\"id\":\"{id}\",\"domainUrl\"");
        var first = await PostLogAsync(withId, t.Key);
        var again = await PostLogAsync(withId, t.Owner.Token);

        AssertStatus(HttpStatusCode.Created, first);
        AssertStatus(HttpStatusCode.OK, again);
        Assert.True(JsonNode.DeepEquals(first.Json, again.Json), again.Body);
        Assert.Equal(3, (await FootprintAsync(t)).Traffic);

        // The same id from another source's client is someone else's record.
        var other = await TenantAsync();
        var taken = await PostLogAsync(withId.Replace(t.SourceId, other.SourceId), other.Key);
        AssertProblem(taken, HttpStatusCode.Conflict, "id");
        Assert.Equal(0, (await FootprintAsync(other)).Traffic);
    }

    [Fact]
    public async Task Route_patterns_are_one_endpoint_in_the_stats_and_keep_the_pathname_sent()
    {
        var t = await TenantAsync();
        foreach (var userId in new[] { "42", "43", "ada" })
        {
            var body = Captured(t.SourceId).Replace("/healthz", "/users/:userId").Replace("{\\\"probe\\\":\\\"1\\\"}", $"{{\\\"userId\\\":\\\"{userId}\\\"}}");
            var reply = await PostLogAsync(body, t.Key);
            AssertStatus(HttpStatusCode.Created, reply);
            Assert.Equal("/users/:userId", Str(reply.Json["pathname"]));
            Assert.Equal(userId, Str(reply.Json["request"]!["queryParams"]!["userId"]));
        }
        AssertStatus(HttpStatusCode.Created, await PostLogAsync(Captured(t.SourceId).Replace("/healthz", "/users/:userId/orders/:orderId"), t.Key));

        var day = DateTime.UtcNow.Date;
        var stats = await SendAsync(HttpMethod.Get,
            $"/http-traffic-stats/{t.SourceId}?startDate={day.AddDays(-1):yyyy-MM-dd}T00:00:00Z&endDate={day.AddDays(2):yyyy-MM-dd}T00:00:00Z", token: t.Owner.Token);
        AssertStatus(HttpStatusCode.OK, stats);
        var endpoints = stats.Json["endpoints"]!.AsArray().ToDictionary(e => Str(e!["pathnameTemplate"]), e => e!["count"]!.GetValue<int>());
        Assert.Equal(new Dictionary<string, int> { ["/users/{userId}"] = 3, ["/users/{userId}/orders/{orderId}"] = 1 }, endpoints);

        var listed = await SendAsync(HttpMethod.Get, $"/http-traffic-record/{t.SourceId}?pathnameTemplate={Uri.EscapeDataString("/users/{userId}")}", token: t.Owner.Token);
        Assert.Equal(3, listed.Json["meta"]!["totalItems"]!.GetValue<int>());
        Assert.Equal(2, await ScalarAsync<int>($"SELECT COUNT(*) FROM pathnames WHERE traffic_source_id = '{t.SourceId}'"));
    }

    [Fact]
    public async Task Secrets_in_headers_and_string_encoded_bodies_are_redacted_before_they_are_stored()
    {
        var t = await TenantAsync();
        var body = Captured(t.SourceId)
            .Replace("{\\\"Content-Type\\\":\\\"application/json\\\"}", "{\\\"Content-Type\\\":\\\"application/json\\\",\\\"Authorization\\\":\\\"Bearer app-SECRET-1\\\"}")
            .Replace("\"requestBody\":\"null\"", "\"requestBody\":\"{\\\"email\\\":\\\"ada@example.com\\\",\\\"password\\\":\\\"app-SECRET-2\\\"}\"");

        var reply = await PostLogAsync(body, t.Key);

        AssertStatus(HttpStatusCode.Created, reply);
        Assert.DoesNotContain("app-SECRET", reply.Body);
        Assert.Equal("[REDACTED]", Str(reply.Json["request"]!["headers"]!["Authorization"]));
        Assert.True(JsonNode.DeepEquals(new JsonObject { ["email"] = "ada@example.com", ["password"] = "[REDACTED]" }, reply.Json["request"]!["body"]));
        Assert.Equal(0, await ScalarAsync<int>(
            $"SELECT COUNT(*) FROM requests WHERE id = '{Str(reply.Json["requestId"])}' AND (headers LIKE '%app-SECRET%' OR body LIKE '%app-SECRET%')"));
    }

    public static TheoryData<string, string> InvalidFields => new()
    {
        { "trafficSourceId", "null" },
        { "trafficSourceId", "\"not-a-uuid\"" },
        { "trafficSourceId", "42" },
        { "method", "\"fetch\"" },
        { "protocol", "\"ftp\"" },
        { "status", "\"200\"" },
        { "elapsedTime", "\"53.3\"" },
        { "requestHeaders", "\"{\\\"Content-Type\\\":\"" },
        { "requestHeaders", "\"Content-Type: application/json\"" },
        { "queryParams", "\"null\"" },
        { "queryParams", "\"[1]\"" },
        { "responseHeaders", "\"\\\"{}\\\"\"" },
    };

    [Theory]
    [MemberData(nameof(InvalidFields))]
    public async Task A_bad_field_is_400_naming_it_and_stores_nothing(string field, string value)
    {
        var t = await SharedTenantAsync();
        // The bad value in the field's place; what the client sent there moves to a field nobody reads.
        var body = Captured(t.SourceId).Replace($"\"{field}\":", $"\"{field}\":{value},\"unread\":");
        Assert.Contains(value, body);

        AssertProblem(await PostLogAsync(body, t.Key), HttpStatusCode.BadRequest, field);
        AssertProblem(await PostLogAsync(body, t.Owner.Token), HttpStatusCode.BadRequest, field);
        Assert.Equal(new Footprint(0, 0, 0, 0, 0), await FootprintAsync(t));
    }

    [Fact]
    public async Task Tokens_keys_and_sources_are_checked_as_on_the_other_write_routes()
    {
        var t = await TenantAsync();
        var other = await TenantAsync();
        var stranger = await StrangerAsync();
        var unknown = NewId();

        AssertProblem(await PostLogAsync(Captured(t.SourceId), null), HttpStatusCode.BadRequest);
        AssertProblem(await PostLogAsync(Captured(t.SourceId), "not-a-token"), HttpStatusCode.Unauthorized);
        AssertProblem(await PostLogAsync(Captured(t.SourceId), "ak_unknown-key"), HttpStatusCode.Unauthorized);
        AssertProblem(await PostLogAsync(Captured(unknown), t.Owner.Token), HttpStatusCode.NotFound, "trafficSourceId");
        // Another user's source, and a key of another source (whether that source exists or not): 403, as on the path routes.
        AssertProblem(await PostLogAsync(Captured(t.SourceId), stranger.Token), HttpStatusCode.Forbidden);
        AssertProblem(await PostLogAsync(Captured(t.SourceId), other.Key), HttpStatusCode.Forbidden);
        AssertProblem(await PostLogAsync(Captured(unknown), other.Key), HttpStatusCode.Forbidden);
        // The key's 403 comes before the record's fields are looked at, and says nothing of them.
        var forbidden = AssertProblem(await PostLogAsync($$"""{"trafficSourceId":"{{t.SourceId}}","status":1}""", other.Key), HttpStatusCode.Forbidden);
        Assert.Null(forbidden["errors"]?["status"]);
        // A key may not use the route to read: only the write routes of its own source are open to it.
        AssertProblem(await SendAsync(HttpMethod.Get, $"/http-traffic-record/{t.SourceId}", token: t.Key), HttpStatusCode.Forbidden);

        Assert.Equal(new Footprint(0, 0, 0, 0, 0), await FootprintAsync(t));
        Assert.Equal(new Footprint(0, 0, 0, 0, 0), await FootprintAsync(other));
    }

    [Fact]
    public async Task A_revoked_key_is_refused_at_once()
    {
        var t = await TenantAsync();
        AssertStatus(HttpStatusCode.Created, await PostLogAsync(Captured(t.SourceId), t.Key));

        AssertStatus(HttpStatusCode.NoContent, await SendAsync(HttpMethod.Delete, $"/ingest-key/{t.KeyId}", token: t.Owner.Token));

        AssertProblem(await PostLogAsync(Captured(t.SourceId), t.Key), HttpStatusCode.Unauthorized);
        Assert.Equal(1, (await FootprintAsync(t)).Traffic);
    }

    [Fact]
    public async Task A_body_over_the_request_limit_is_413_and_stores_nothing()
    {
        var t = await TenantAsync();
        var body = Captured(t.SourceId).Replace("\"requestBody\":\"null\"", $"\"requestBody\":\"{new string('x', 1_100_000)}\"");

        AssertProblem(await PostLogAsync(body, t.Key), HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal(new Footprint(0, 0, 0, 0, 0), await FootprintAsync(t));
    }

    [Fact]
    public async Task Over_its_rate_a_key_gets_429()
    {
        await using var limited = new ArkynApp(App.Engine, new Dictionary<string, string?>
        {
            ["Ingest:RateLimit:PermitsPerSecond"] = "1",
            ["Ingest:RateLimit:Burst"] = "2",
        });
        await limited.InitializeAsync();
        using var client = limited.CreateClient();
        var t = await TenantAsync(limited, client);

        // The bucket holds two calls; however slow the machine, a refill a second cannot keep up with eight quick calls.
        var replies = new List<Reply>();
        for (var i = 0; i < 8 && replies.All(r => r.Status != HttpStatusCode.TooManyRequests); i++)
            replies.Add(await PostLogAsync(Captured(t.SourceId), t.Key, client));

        var refused = replies.FirstOrDefault(r => r.Status == HttpStatusCode.TooManyRequests);
        Assert.True(refused is not null, $"no 429 in {replies.Count} calls: {string.Join(", ", replies.Select(r => (int)r.Status))}");
        AssertProblem(refused, HttpStatusCode.TooManyRequests);
        Assert.NotNull(refused.Message.Headers.RetryAfter);
        Assert.Equal(replies.Count(r => r.Status == HttpStatusCode.Created), (await FootprintAsync(t, limited)).Traffic);
    }
}

public sealed class IngestLogTestsOnSqlite(SqliteApp app) : IngestLogTests(app), IClassFixture<SqliteApp>;

public sealed class IngestLogTestsOnPostgres(PostgresApp app) : IngestLogTests(app), IClassFixture<PostgresApp>;
