using System.Text;
using System.Text.Json;
using Arkyn.Infrastructure.Records;
using Arkyn.Infrastructure;
using Arkyn.Infrastructure.Database;
using Arkyn.Tests.Infrastructure;
using LinqToDB.Data;
using Microsoft.Extensions.DependencyInjection;

namespace Arkyn.Tests.Ingest;

/// <summary>
/// Headers, query parameters and bodies sent as JSON text in a string (as the Arkyn npm client sends them) on every
/// route that takes records: decoded once, then validated, redacted and truncated exactly as the object form.
/// </summary>
public abstract class JsonTextTests(ArkynApp app) : IngestTest(app)
{
    const string Marker = "s3cret-marker";

    /// <summary>The record with each of the five fields replaced by its JSON text, as JSON.stringify makes it.</summary>
    static JsonObject AsText(JsonObject record)
    {
        var text = (JsonObject)record.DeepClone();
        foreach (var field in new[] { "requestHeaders", "requestBody", "queryParams", "responseHeaders", "responseBody" })
            text[field] = (text[field]?.ToJsonString() ?? "null");
        return text;
    }

    static JsonObject Rich(string? id = null)
    {
        var record = Record(id);
        record["requestHeaders"] = new JsonObject { ["accept"] = "application/json", ["authorization"] = $"Bearer {Marker}" };
        record["requestBody"] = new JsonObject { ["user"] = new JsonObject { ["name"] = "Ada", ["password"] = Marker }, ["tags"] = new JsonArray("a", 1, null) };
        record["queryParams"] = new JsonObject { ["page"] = "1", ["api_key"] = Marker };
        record["responseBody"] = new JsonArray(new JsonObject { ["token"] = Marker, ["note"] = "café 😀" });
        return record;
    }

    /// <summary>The view without the ids the server chose, for comparing two stored records.</summary>
    static JsonNode Content(JsonNode view)
    {
        var copy = view.DeepClone().AsObject();
        foreach (var field in new[] { "id", "domainId", "pathnameId", "requestId", "responseId", "createdAt" }) copy.Remove(field);
        return copy;
    }

    async Task<string> StoredTextAsync(JsonNode view) =>
        await ScalarAsync<string>($"SELECT q.headers || q.query_params || COALESCE(q.body, '') || s.headers || COALESCE(s.body, '') " +
                                  $"FROM requests q, responses s WHERE q.id = '{Str(view["requestId"])}' AND s.id = '{Str(view["responseId"])}'");

    [Fact]
    public async Task The_text_and_the_object_forms_store_the_same_record_on_every_record_route()
    {
        var t = await TenantAsync();
        var objectForm = await PostRecordAsync(t, Rich());
        AssertStatus(HttpStatusCode.Created, objectForm);
        Assert.DoesNotContain(Marker, objectForm.Body);

        var single = await PostRecordAsync(t, AsText(Rich()));
        var plural = await PostAsync($"/http-traffic-records/{t.SourceId}", AsText(Rich()), t.Key);
        var batch = await PostBatchAsync(t, [AsText(Rich()), Rich()]);
        AssertStatus(HttpStatusCode.Created, single);
        AssertStatus(HttpStatusCode.Created, plural);
        AssertStatus((HttpStatusCode)207, batch);
        var batched = batch.Json["successes"]!.AsArray().Select(s => Str(s!["id"])).ToList();
        Assert.Equal(2, batched.Count);

        var expected = Content(objectForm.Json);
        Assert.True(JsonNode.DeepEquals(expected, Content(single.Json)), single.Body);
        Assert.True(JsonNode.DeepEquals(expected, Content(plural.Json)), plural.Body);
        foreach (var id in batched)
        {
            var read = await SendAsync(HttpMethod.Get, $"/http-traffic-record/{t.SourceId}/{id}", token: t.Owner.Token);
            Assert.True(JsonNode.DeepEquals(expected, Content(read.Json)), read.Body);
        }
        // Stored as the same text, and no secret of either form reached the database.
        var stored = await StoredTextAsync(objectForm.Json);
        Assert.Equal(stored, await StoredTextAsync(single.Json));
        Assert.Equal(stored, await StoredTextAsync(plural.Json));
        Assert.Equal(0, await ScalarAsync<int>(
            $"SELECT COUNT(*) FROM requests q JOIN http_traffic h ON h.request_id = q.id JOIN responses s ON s.id = h.response_id " +
            $"WHERE h.traffic_source_id = '{t.SourceId}' AND (q.headers || q.query_params || q.body || s.body) LIKE '%{Marker}%'"));
        Assert.Equal(new Footprint(1, 1, 5, 5, 5), await FootprintAsync(t));
    }

    public static TheoryData<string, string?> Bodies => new()
    {
        // what the client sent (the JSON text of the body), what is stored (JSON; null for no body)
        { "null", null },
        { "{\"a\":1}", "{\"a\":1}" },
        { "[1,\"two\",null]", "[1,\"two\",null]" },
        { "42", "42" },
        { "true", "true" },
        { "  {\"spaced\" : true}  ", "{\"spaced\":true}" },
        // Only one level is decoded: the JSON text of a string is that string, even when it reads as JSON itself.
        { "\"{\\\"a\\\":1}\"", "\"{\\\"a\\\":1}\"" },
        { "\"null\"", "\"null\"" },
        // Text that is not JSON is kept as the string it is.
        { "name=Ada&password=x", "\"name=Ada&password=x\"" },
        { "{not json", "\"{not json\"" },
        { "nothing", "\"nothing\"" },
        { "", "\"\"" },
        { "plain text failure", "\"plain text failure\"" },
    };

    [Theory]
    [MemberData(nameof(Bodies))]
    public async Task A_body_sent_as_text_is_stored_as_the_value_it_encodes(string sent, string? stored)
    {
        var t = await SharedTenantAsync();
        var record = Record();
        record["requestBody"] = sent;
        record["responseBody"] = sent;

        var reply = await PostRecordAsync(t, record);

        AssertStatus(HttpStatusCode.Created, reply);
        var expected = stored is null ? null : JsonNode.Parse(stored);
        Assert.True(JsonNode.DeepEquals(expected, reply.Json["request"]!["body"]), reply.Body);
        Assert.True(JsonNode.DeepEquals(expected, reply.Json["response"]!["body"]), reply.Body);
        var body = await ScalarAsync<string?>($"SELECT body FROM requests WHERE id = '{Str(reply.Json["requestId"])}'");
        Assert.True(JsonNode.DeepEquals(expected, body is null ? null : JsonNode.Parse(body)), body);
        Assert.Equal(stored is null, body is null);
    }

    [Fact]
    public async Task Strings_inside_decoded_text_stay_strings_and_are_redacted_by_their_names()
    {
        var t = await TenantAsync();
        var record = Record();
        // A header whose value is itself JSON text, and a body field holding JSON text with a password in it.
        record["requestHeaders"] = "{\"x-json\":\"{\\\"password\\\":\\\"kept-as-text\\\"}\",\"Cookie\":\"session=" + Marker + "\"}";
        record["requestBody"] = "{\"password\":\"" + Marker + "\",\"payload\":\"{\\\"a\\\":1}\",\"nested\":{\"client_secret\":\"" + Marker + "\"}}";

        var reply = await PostRecordAsync(t, record);

        AssertStatus(HttpStatusCode.Created, reply);
        Assert.DoesNotContain(Marker, reply.Body);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"x-json":"{\"password\":\"kept-as-text\"}","Cookie":"[REDACTED]"}"""), reply.Json["request"]!["headers"]), reply.Body);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"password":"[REDACTED]","payload":"{\"a\":1}","nested":{"client_secret":"[REDACTED]"}}"""),
            reply.Json["request"]!["body"]), reply.Body);
        Assert.DoesNotContain(Marker, await StoredTextAsync(reply.Json));
    }

    [Fact]
    public async Task A_large_text_body_is_truncated_after_decoding()
    {
        var t = await TenantAsync();
        var record = Record();
        record["requestBody"] = new JsonObject { ["password"] = Marker, ["padding"] = new string('p', 70_000) }.ToJsonString();

        var reply = await PostRecordAsync(t, record);

        AssertStatus(HttpStatusCode.Created, reply);
        Assert.True(reply.Json["request"]!["bodyTruncated"]!.GetValue<bool>());
        var body = reply.Json["request"]!["body"]!.GetValue<string>();
        Assert.StartsWith("{\"password\":\"[REDACTED]\",\"padding\":\"ppp", body);
        Assert.Equal(65_536, Encoding.UTF8.GetByteCount(body));
    }

    public static TheoryData<string, string> InvalidTexts => new()
    {
        { "requestHeaders", "{\"accept\":" },
        { "requestHeaders", "accept: */*" },
        { "requestHeaders", "[\"accept\"]" },
        { "requestHeaders", "null" },
        { "queryParams", "page=1" },
        { "queryParams", "42" },
        { "responseHeaders", "\"{}\"" },
        { "responseHeaders", "" },
    };

    [Theory]
    [MemberData(nameof(InvalidTexts))]
    public async Task Header_text_that_is_not_a_json_object_is_400_naming_the_field_and_stores_nothing(string field, string text)
    {
        var t = await TenantAsync();
        var record = Record();
        record[field] = text;

        AssertProblem(await PostRecordAsync(t, record), HttpStatusCode.BadRequest, field);
        AssertProblem(await PostAsync($"/http-traffic-records/{t.SourceId}", record.DeepClone(), t.Key), HttpStatusCode.BadRequest, field);
        var batch = await PostBatchAsync(t, [record.DeepClone(), Record()]);
        AssertStatus((HttpStatusCode)207, batch);
        var error = batch.Json["errors"]!.AsArray().Single()!;
        Assert.Equal(0, error["index"]!.GetValue<int>());
        Assert.Equal(400, error["status"]!.GetValue<int>());
        Assert.True(error["errors"]?[field] is JsonArray { Count: > 0 }, batch.Body);
        Assert.Single(batch.Json["successes"]!.AsArray());
        Assert.Equal(new Footprint(1, 1, 1, 1, 1), await FootprintAsync(t));
    }

    [Fact]
    public async Task The_plural_route_checks_sources_and_keys_as_the_singular_one()
    {
        var t = await TenantAsync();
        var other = await TenantAsync();
        var stranger = await StrangerAsync();

        AssertProblem(await PostAsync($"/http-traffic-records/{NewId()}", AsText(Record()), t.Owner.Token), HttpStatusCode.NotFound, "trafficSourceId");
        AssertProblem(await PostAsync($"/http-traffic-records/{t.SourceId}", AsText(Record()), stranger.Token), HttpStatusCode.Forbidden);
        AssertProblem(await PostAsync($"/http-traffic-records/{t.SourceId}", AsText(Record()), other.Key), HttpStatusCode.Forbidden);
        AssertProblem(await PostAsync($"/http-traffic-records/{t.SourceId}", AsText(Record()), null), HttpStatusCode.BadRequest);
        Assert.Equal(new Footprint(0, 0, 0, 0, 0), await FootprintAsync(t));
        AssertStatus(HttpStatusCode.Created, await PostAsync($"/http-traffic-records/{t.SourceId}", AsText(Record()), t.Owner.Token));
    }

    [Fact]
    public async Task Upgrading_gives_stored_route_patterns_their_parameter_templates()
    {
        await using var old = new ArkynApp(App.Engine);
        await old.InitializeAsync();
        var options = DatabaseSetup.Options(new DatabaseSettings(
            App.Engine == Engine.Sqlite ? DatabaseProvider.Sqlite : DatabaseProvider.Postgres, old.ConnectionString));
        await new Migrator(options, Microsoft.Extensions.Logging.Abstractions.NullLogger<Migrator>.Instance).MigrateAsync(Ct, upTo: 5);
        await using (var db = new DataConnection(options))
        {
            await db.ExecuteAsync("INSERT INTO users (id, name, email, email_key, password_hash, utc, created_at, updated_at) VALUES ('u', 'U', 'u@x', 'U@X', 'h', 0, 0, 0)", Ct);
            await db.ExecuteAsync("INSERT INTO traffic_sources (id, user_id, name, traffic_domain, created_at, updated_at) VALUES ('s', 'u', 'S', 'x', 0, 0)", Ct);
            await db.ExecuteAsync("INSERT INTO domains (id, traffic_source_id, value, protocol, created_at) VALUES ('d', 's', 'x', 'HTTPS', 0)", Ct);
            // As the release before left them: the parameter's segment kept as sent.
            await db.ExecuteAsync("INSERT INTO pathnames (id, traffic_source_id, domain_id, value, template, created_at) VALUES " +
                                  "('p1', 's', 'd', '/users/:userId/orders/42', '/users/:userId/orders/{id}', 0), ('p2', 's', 'd', '/users/42', '/users/{id}', 0)", Ct);
        }

        await using var upgraded = new ArkynApp(App.Engine, new Dictionary<string, string?> { ["ConnectionStrings:Arkyn"] = old.ConnectionString });
        Assert.Equal(HttpStatusCode.OK, (await upgraded.CreateClient().GetAsync("/readyz", Ct)).StatusCode);

        await using var check = new DataConnection(options);
        Assert.Equal("/users/{userId}/orders/{id}", await check.ExecuteAsync<string>("SELECT template FROM pathnames WHERE id = 'p1'", Ct));
        Assert.Equal("/users/:userId/orders/42", await check.ExecuteAsync<string>("SELECT value FROM pathnames WHERE id = 'p1'", Ct));
        Assert.Equal("/users/{id}", await check.ExecuteAsync<string>("SELECT template FROM pathnames WHERE id = 'p2'", Ct));
    }
}

public sealed class JsonTextTestsOnSqlite(SqliteApp app) : JsonTextTests(app), IClassFixture<SqliteApp>;

public sealed class JsonTextTestsOnPostgres(PostgresApp app) : JsonTextTests(app), IClassFixture<PostgresApp>;

/// <summary>The pure rules: decoding a field's JSON text, and route parameters in templates.</summary>
public sealed class JsonTextRulesTests
{
    static RecordInput Read(string json) => JsonSerializer.Deserialize<RecordInput>(json, new JsonSerializerOptions(JsonSerializerDefaults.Web))!;

    [Theory]
    [InlineData("""{"requestBody":"{\"a\":[1,2]}"}""", JsonValueKind.Object, """{"a":[1,2]}""")]
    [InlineData("""{"requestBody":{"a":[1,2]}}""", JsonValueKind.Object, """{"a":[1,2]}""")]
    [InlineData("""{"requestBody":"hello"}""", JsonValueKind.String, "\"hello\"")]
    [InlineData("""{"requestBody":"\"hello\""}""", JsonValueKind.String, "\"hello\"")]
    [InlineData("""{"requestBody":"caf\u00e9 \ud83d\ude00"}""", JsonValueKind.String, "\"caf\\u00e9 \\ud83d\\ude00\"")]
    [InlineData("""{"requestBody":"\ud800 lone"}""", JsonValueKind.String, "\"\\ud800 lone\"")]
    [InlineData("""{"requestBody":"null"}""", JsonValueKind.Null, "null")]
    public void A_field_is_its_json_or_the_value_its_text_encodes(string json, JsonValueKind kind, string raw)
    {
        var body = Read(json).RequestBody!.Value;
        Assert.Equal(kind, body.ValueKind);
        Assert.Equal(raw, body.GetRawText());
    }

    [Fact]
    public void A_json_null_is_no_value_at_all()
    {
        Assert.Null(Read("""{"requestBody":null}""").RequestBody);
        Assert.Null(Read("{}").RequestHeaders);
    }

    [Theory]
    [InlineData("/users/:userId", "/users/{userId}")]
    [InlineData("/users/:user_id/orders/:orderId", "/users/{user_id}/orders/{orderId}")]
    [InlineData("/users/:id/orders/42", "/users/{id}/orders/{id}")]
    [InlineData("/v1/:_private", "/v1/{_private}")]
    [InlineData("/a/:1", "/a/:1")]
    [InlineData("/a/:", "/a/:")]
    [InlineData("/a/:id(\\d+)", "/a/:id(\\d+)")]
    [InlineData("/a/b:c", "/a/b:c")]
    public void Route_parameters_keep_their_names_in_templates(string pathname, string template) =>
        Assert.Equal(template, Arkyn.Infrastructure.Traffic.PathTemplate(pathname));
}
