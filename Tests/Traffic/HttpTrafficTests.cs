using Arkyn.Tests.Infrastructure;

namespace Arkyn.Tests.Traffic;

/// <summary>POST and GET /http-traffic/:trafficSourceId: the published contract, the body rules and the derived fields.</summary>
public abstract class HttpTrafficTests(ArkynApp app) : TrafficTest(app)
{
    [Fact]
    public async Task The_published_example_end_to_end()
    {
        var account = await RegisterAsync("Agent Owner");

        var source = await SendAsync(HttpMethod.Post, "/traffic-source", new { name = "Shop", trafficDomain = $"{Unique("shop")}.example.com" }, account.Token);
        Assert.Equal(HttpStatusCode.Created, source.Status);
        Assert.Equal(["id", "name", "trafficDomain", "userId", "createdAt", "updatedAt", "retentionDays", "role"], source.Json.AsObject().Select(p => p.Key));
        Assert.Equal(account.Id, source.Json["userId"]!.GetValue<string>());
        var sourceId = Id(source);

        var domain = await SendAsync(HttpMethod.Post, $"/domain/{sourceId}", new { value = "api.example.com", protocol = "https" }, account.Token);
        Assert.Equal(HttpStatusCode.Created, domain.Status);
        Assert.Equal(["id", "value", "protocol", "trafficSourceId", "createdAt"], domain.Json.AsObject().Select(p => p.Key));
        Assert.Equal("HTTPS", domain.Json["protocol"]!.GetValue<string>());
        Assert.Equal(sourceId, domain.Json["trafficSourceId"]!.GetValue<string>());
        var domainId = Id(domain);

        var pathname = await SendAsync(HttpMethod.Post, $"/pathname/{sourceId}/{domainId}", new { value = "/orders" }, account.Token);
        Assert.Equal(HttpStatusCode.Created, pathname.Status);
        Assert.Equal(["id", "value", "domainId", "trafficSourceId", "createdAt"], pathname.Json.AsObject().Select(p => p.Key));
        Assert.Equal(domainId, pathname.Json["domainId"]!.GetValue<string>());
        var pathnameId = Id(pathname);

        var request = await SendRawAsync(HttpMethod.Post, "/request",
            """{"headers":{"content-type":"application/json"},"body":{"item":"book","quantity":2},"queryParams":{"coupon":"SUMMER"}}""", account.Token);
        Assert.Equal(HttpStatusCode.Created, request.Status);
        Assert.Equal(["id", "headers", "body", "bodyTruncated", "queryParams", "createdAt"], request.Json.AsObject().Select(p => p.Key));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"item":"book","quantity":2}"""), request.Json["body"]), request.Body);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"coupon":"SUMMER"}"""), request.Json["queryParams"]), request.Body);
        Assert.False(request.Json["bodyTruncated"]!.GetValue<bool>());
        var requestId = Id(request);

        var response = await SendRawAsync(HttpMethod.Post, "/response", """{"headers":{"content-type":"application/json"},"body":{"orderId":77}}""", account.Token);
        Assert.Equal(HttpStatusCode.Created, response.Status);
        Assert.Equal(["id", "headers", "body", "bodyTruncated", "createdAt"], response.Json.AsObject().Select(p => p.Key));
        var responseId = Id(response);

        var created = await SendRawAsync(HttpMethod.Post, $"/http-traffic/{sourceId}", $$"""
            {
              "status": 201,
              "method": "POST",
              "elapsedTime": 150,
              "trafficUserId": "user-456",
              "domainId": "{{domainId}}",
              "pathnameId": "{{pathnameId}}",
              "requestId": "{{requestId}}",
              "responseId": "{{responseId}}"
            }
            """, account.Token);

        Assert.True(created.Status == HttpStatusCode.Created, created.Body);
        Assert.Equal("application/json", created.ContentType);
        var traffic = created.Json.AsObject();
        Assert.Equal(TrafficKeys, traffic.Select(p => p.Key));
        Assert.True(Guid.TryParse(traffic["id"]!.GetValue<string>(), out var id) && id.Version == 7, created.Body);
        Assert.DoesNotContain(traffic["id"]!.GetValue<string>(), new[] { sourceId, domainId, pathnameId, requestId, responseId });
        Assert.Equal(201, traffic["status"]!.GetValue<int>());
        Assert.Equal("POST", traffic["method"]!.GetValue<string>());
        Assert.Equal("INFO", traffic["level"]!.GetValue<string>());
        Assert.Equal(150, traffic["elapsedTime"]!.GetValue<double>());
        Assert.Equal("user-456", traffic["trafficUserId"]!.GetValue<string>());
        Assert.Equal(sourceId, traffic["trafficSourceId"]!.GetValue<string>());
        Assert.Equal(domainId, traffic["domainId"]!.GetValue<string>());
        Assert.Equal(pathnameId, traffic["pathnameId"]!.GetValue<string>());
        Assert.Equal(requestId, traffic["requestId"]!.GetValue<string>());
        Assert.Equal(responseId, traffic["responseId"]!.GetValue<string>());
        Assert.Matches(ArkynTimestamp, traffic["createdAt"]!.GetValue<string>());

        var list = await SendAsync(HttpMethod.Get, $"/http-traffic/{sourceId}", token: account.Token);
        Assert.Equal(HttpStatusCode.OK, list.Status);
        Assert.Equal(["data", "meta"], list.Json.AsObject().Select(p => p.Key));
        var data = list.Json["data"]!.AsArray();
        Assert.Single(data);
        Assert.True(JsonNode.DeepEquals(created.Json, data[0]), $"listed {data[0]!.ToJsonString()} but created {created.Body}");
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"page":1,"pageLimit":20,"totalItems":1}"""), list.Json["meta"]), list.Body);
        Assert.Equal(1, await CountAsync("http_traffic", $"id = '{id}' AND request_id = '{requestId}' AND response_id = '{responseId}'"));
    }

    [Fact]
    public async Task Level_is_derived_from_the_status()
    {
        var t = await CreateTenantAsync();
        var expected = new (int Status, string Level)[]
        {
            (100, "INFO"), (200, "INFO"), (302, "INFO"), (399, "INFO"),
            (400, "WARNING"), (404, "WARNING"), (499, "WARNING"),
            (500, "FATAL"), (503, "FATAL"), (599, "FATAL"),
        };
        foreach (var (status, level) in expected)
        {
            var created = await CreateTrafficAsync(t.Account, t.SourceId, t.DomainId, t.PathnameId, status);
            Assert.True(created["level"]!.GetValue<string>() == level, $"status {status}: {created.ToJsonString()}");
            Assert.Equal(status, created["status"]!.GetValue<int>());
            Assert.Equal(level, await ScalarAsync<string>($"SELECT level FROM http_traffic WHERE id = '{created["id"]}'"));
        }
    }

    [Fact]
    public async Task Method_in_any_case_comes_back_upper_case()
    {
        var t = await CreateTenantAsync();
        foreach (var method in new[] { "get", "Post", "pUT", "patch", "DELETE", "head", "Options", "trace", "connect" })
        {
            var body = TrafficBody(t, requestId: await CreateRequestAsync(t.Account), responseId: await CreateResponseAsync(t.Account), method: method);
            var created = await SendAsync(HttpMethod.Post, $"/http-traffic/{t.SourceId}", body, t.Token);
            Assert.True(created.Status == HttpStatusCode.Created, $"{method}: {created.Body}");
            Assert.Equal(method.ToUpperInvariant(), created.Json["method"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task Elapsed_time_fractions_and_an_absent_traffic_user_are_kept()
    {
        var t = await CreateTenantAsync();

        var fraction = await SendRawAsync(HttpMethod.Post, $"/http-traffic/{t.SourceId}", $$"""
            {"status":200,"method":"GET","elapsedTime":0.125,"domainId":"{{t.DomainId}}","pathnameId":"{{t.PathnameId}}","requestId":"{{t.RequestId}}","responseId":"{{t.ResponseId}}"}
            """, t.Token);
        Assert.True(fraction.Status == HttpStatusCode.Created, fraction.Body);
        Assert.Equal(0.125, fraction.Json["elapsedTime"]!.GetValue<double>());
        Assert.True(fraction.Json.AsObject().ContainsKey("trafficUserId"), fraction.Body);
        Assert.Null(fraction.Json["trafficUserId"]);

        var longUser = new string('u', 255);
        var other = await SendAsync(HttpMethod.Post, $"/http-traffic/{t.SourceId}", TrafficBody(t, requestId: await CreateRequestAsync(t.Account),
            responseId: await CreateResponseAsync(t.Account), elapsedTime: 1234.5678, trafficUserId: longUser), t.Token);
        Assert.True(other.Status == HttpStatusCode.Created, other.Body);
        Assert.Equal(1234.5678, other.Json["elapsedTime"]!.GetValue<double>());
        Assert.Equal(longUser, other.Json["trafficUserId"]!.GetValue<string>());

        var zero = await SendAsync(HttpMethod.Post, $"/http-traffic/{t.SourceId}", TrafficBody(t, requestId: await CreateRequestAsync(t.Account),
            responseId: await CreateResponseAsync(t.Account), elapsedTime: 0), t.Token);
        Assert.True(zero.Status == HttpStatusCode.Created, zero.Body);
        Assert.Equal(0, zero.Json["elapsedTime"]!.GetValue<double>());

        var listed = await SendAsync(HttpMethod.Get, $"/http-traffic/{t.SourceId}", token: t.Token);
        var byId = listed.Json["data"]!.AsArray().ToDictionary(n => n!["id"]!.GetValue<string>());
        Assert.Equal(0.125, byId[Id(fraction)]!["elapsedTime"]!.GetValue<double>());
        Assert.Null(byId[Id(fraction)]!["trafficUserId"]);
        Assert.Equal(1234.5678, byId[Id(other)]!["elapsedTime"]!.GetValue<double>());
    }

    [Fact]
    public async Task Ids_in_upper_case_are_accepted_and_come_back_lower_case()
    {
        var t = await CreateTenantAsync();
        var reply = await SendAsync(HttpMethod.Post, $"/http-traffic/{t.SourceId.ToUpperInvariant()}", TrafficBody(t,
            domainId: t.DomainId.ToUpperInvariant(), pathnameId: t.PathnameId.ToUpperInvariant(),
            requestId: t.RequestId.ToUpperInvariant(), responseId: t.ResponseId.ToUpperInvariant()), t.Token);

        Assert.True(reply.Status == HttpStatusCode.Created, reply.Body);
        Assert.Equal(t.SourceId, reply.Json["trafficSourceId"]!.GetValue<string>());
        Assert.Equal(t.DomainId, reply.Json["domainId"]!.GetValue<string>());
        Assert.Equal(t.PathnameId, reply.Json["pathnameId"]!.GetValue<string>());
        Assert.Equal(t.RequestId, reply.Json["requestId"]!.GetValue<string>());
        Assert.Equal(t.ResponseId, reply.Json["responseId"]!.GetValue<string>());
    }

    /// <summary>Each case replaces (or, with null, removes) one field of an otherwise valid body; the field must be named in the 400.</summary>
    static readonly (string Field, string? RawValue)[] InvalidFields =
    [
        ("status", "99"), ("status", "600"), ("status", "-200"), ("status", "200.5"), ("status", "\"200\""),
        ("status", "null"), ("status", null), ("status", "{}"),
        ("method", "\"FETCH\""), ("method", "\"\""), ("method", "5"), ("method", "null"), ("method", null),
        ("elapsedTime", "-1"), ("elapsedTime", "-0.001"), ("elapsedTime", "\"150\""), ("elapsedTime", "1e400"),
        ("elapsedTime", "null"), ("elapsedTime", null),
        ("trafficUserId", $"\"{new string('u', 256)}\""), ("trafficUserId", "456"), ("trafficUserId", "[\"user-456\"]"),
        // The ids of the published example are not UUIDs.
        ("domainId", "\"e1f2g3h4-i5j6-7890-1234-567890abcdef\""), ("domainId", null), ("domainId", "5"),
        ("pathnameId", "\"g1h2i3j4-k5l6-7890-1234-567890abcdef\""), ("pathnameId", "\"\""),
        ("requestId", "\"i1j2k3l4-m5n6-7890-1234-567890abcdef\""), ("requestId", null),
        ("responseId", "\"not-a-uuid\""), ("responseId", "true"),
    ];

    [Fact]
    public async Task Each_invalid_field_is_400_naming_it_and_stores_nothing()
    {
        var t = await CreateTenantAsync();
        var valid = new JsonObject
        {
            ["status"] = 200, ["method"] = "GET", ["elapsedTime"] = 10, ["trafficUserId"] = "user-456",
            ["domainId"] = t.DomainId, ["pathnameId"] = t.PathnameId, ["requestId"] = t.RequestId, ["responseId"] = t.ResponseId,
        };
        var before = await SnapshotAsync();

        foreach (var (field, rawValue) in InvalidFields)
        {
            var body = valid.DeepClone().AsObject();
            if (rawValue is null) body.Remove(field);
            else body[field] = JsonNode.Parse(rawValue);

            var reply = await SendRawAsync(HttpMethod.Post, $"/http-traffic/{t.SourceId}", body.ToJsonString(), t.Token);

            var what = rawValue is null ? $"{field} left out" : $"{field}: {(rawValue.Length > 40 ? rawValue[..40] + "…" : rawValue)}";
            Assert.True(reply.Status == HttpStatusCode.BadRequest, $"{what}: {(int)reply.Status} {reply.Body}");
            AssertProblem(reply, HttpStatusCode.BadRequest, field);
        }
        Assert.Equal(before, await SnapshotAsync());

        // The body the cases were made from is valid.
        var ok = await SendRawAsync(HttpMethod.Post, $"/http-traffic/{t.SourceId}", valid.ToJsonString(), t.Token);
        Assert.True(ok.Status == HttpStatusCode.Created, ok.Body);
    }

    [Fact]
    public async Task Validation_comes_before_looking_up_the_source_and_ids()
    {
        var me = await AccountAsync();
        var other = await CreateTenantAsync();
        var unknownIds = TrafficBody(other, NewId(), NewId(), NewId(), NewId(), status: 99);

        AssertProblem(await SendAsync(HttpMethod.Post, $"/http-traffic/{NewId()}", unknownIds, me.Token), HttpStatusCode.BadRequest, "status");
        AssertProblem(await SendAsync(HttpMethod.Post, $"/http-traffic/{other.SourceId}", unknownIds, me.Token), HttpStatusCode.BadRequest, "status");
        Assert.Equal(0, await CountAsync("http_traffic", $"traffic_source_id = '{other.SourceId}'"));
    }

    [Fact]
    public async Task Malformed_json_is_400()
    {
        var t = await CreateTenantAsync();
        var path = $"/http-traffic/{t.SourceId}";

        AssertProblem(await SendRawAsync(HttpMethod.Post, path, """{"status": 200, "method": """, t.Token), HttpStatusCode.BadRequest);
        AssertProblem(await SendRawAsync(HttpMethod.Post, path, "nonsense", t.Token), HttpStatusCode.BadRequest, "body");
        AssertProblem(await SendRawAsync(HttpMethod.Post, path, "[1,2]", t.Token), HttpStatusCode.BadRequest, "body");
        AssertProblem(await SendRawAsync(HttpMethod.Post, path, null, t.Token), HttpStatusCode.BadRequest);
        Assert.Equal(0, await CountAsync("http_traffic", $"traffic_source_id = '{t.SourceId}'"));
    }
}

public sealed class HttpTrafficTestsOnSqlite(SqliteApp app) : HttpTrafficTests(app), IClassFixture<SqliteApp>;

public sealed class HttpTrafficTestsOnPostgres(PostgresApp app) : HttpTrafficTests(app), IClassFixture<PostgresApp>;
