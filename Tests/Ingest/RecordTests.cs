using Arkyn.Tests.Infrastructure;

namespace Arkyn.Tests.Ingest;

/// <summary>POST /http-traffic-record/:trafficSourceId: one complete transaction in one call, idempotent by id, all or nothing.</summary>
public abstract class RecordTests(ArkynApp app) : IngestTest(app)
{
    [Fact]
    public async Task A_record_is_stored_whole_and_answered_with_the_record_view()
    {
        var t = await TenantAsync();
        var id = NewId();
        var record = Record(id, domainUrl: "https://API.Example.com", pathnameUrl: "/users/42/orders", method: "post", status: 503);
        record["timestamp"] = "2025-06-11T15:27:01Z";
        record["elapsedTime"] = 150.25;
        record["requestBody"] = new JsonObject { ["name"] = "Ada", ["tags"] = new JsonArray("a", "b") };

        var reply = await PostRecordAsync(t, record);

        AssertStatus(HttpStatusCode.Created, reply);
        Assert.Equal("application/json", reply.ContentType);
        var view = reply.Json.AsObject();
        Assert.Equal(RecordViewFields, view.Select(p => p.Key));
        Assert.Equal(id, Str(view["id"]));
        Assert.Equal(503, view["status"]!.GetValue<int>());
        Assert.Equal("POST", Str(view["method"]));
        Assert.Equal("FATAL", Str(view["level"]));
        Assert.Equal(150.25, view["elapsedTime"]!.GetValue<double>());
        Assert.Equal("user-456", Str(view["trafficUserId"]));
        Assert.Equal(t.SourceId, Str(view["trafficSourceId"]));
        Assert.Equal("06/11/2025 at 15:27:01", Str(view["createdAt"]));
        Assert.Equal("api.example.com", Str(view["domain"]));
        Assert.Equal("HTTPS", Str(view["protocol"]));
        Assert.Equal("/users/42/orders", Str(view["pathname"]));
        var request = view["request"]!.AsObject();
        Assert.Equal(["headers", "body", "bodyTruncated", "queryParams"], request.Select(p => p.Key));
        Assert.True(JsonNode.DeepEquals(new JsonObject { ["accept"] = "application/json" }, request["headers"]));
        Assert.True(JsonNode.DeepEquals(record["requestBody"], request["body"]));
        Assert.False(request["bodyTruncated"]!.GetValue<bool>());
        Assert.True(JsonNode.DeepEquals(new JsonObject { ["page"] = "1" }, request["queryParams"]));
        var response = view["response"]!.AsObject();
        Assert.Equal(["headers", "body", "bodyTruncated"], response.Select(p => p.Key));
        Assert.True(JsonNode.DeepEquals(new JsonObject { ["content-type"] = "application/json" }, response["headers"]));
        Assert.True(JsonNode.DeepEquals(new JsonObject { ["id"] = 42, ["name"] = "Ada" }, response["body"]));
        Assert.False(response["bodyTruncated"]!.GetValue<bool>());

        // Every row it names exists, in this source, made by this key.
        var domainId = Str(view["domainId"]);
        Assert.Equal("api.example.com|HTTPS", await ScalarAsync<string>($"SELECT value || '|' || protocol FROM domains WHERE id = '{domainId}' AND traffic_source_id = '{t.SourceId}'"));
        Assert.Equal("/users/42/orders", await ScalarAsync<string>($"SELECT value FROM pathnames WHERE id = '{Str(view["pathnameId"])}' AND domain_id = '{domainId}'"));
        Assert.Equal(t.KeyId, await ScalarAsync<string>($"SELECT ingest_key_id FROM requests WHERE id = '{Str(view["requestId"])}' AND user_id = '{t.Owner.Id}'"));
        Assert.Equal(t.KeyId, await ScalarAsync<string>($"SELECT ingest_key_id FROM responses WHERE id = '{Str(view["responseId"])}' AND user_id = '{t.Owner.Id}'"));
        Assert.Equal(new Footprint(1, 1, 1, 1, 1), await FootprintAsync(t));

        // The owner sees it as ordinary traffic.
        var list = await SendAsync(HttpMethod.Get, $"/http-traffic/{t.SourceId}", token: t.Owner.Token);
        var listed = list.Json["data"]!.AsArray().Single()!.AsObject();
        Assert.Equal(HttpTrafficFields, listed.Select(p => p.Key));
        foreach (var field in HttpTrafficFields)
            Assert.True(JsonNode.DeepEquals(view[field], listed[field]), $"{field}: {view[field]} vs {listed[field]}");
    }

    [Fact]
    public async Task Optional_fields_default_and_the_protocol_can_be_given()
    {
        var t = await TenantAsync();
        var minimal = new JsonObject
        {
            ["domainUrl"] = "http://localhost:8080/", ["pathnameUrl"] = "/health", ["method"] = "head", ["status"] = 204, ["elapsedTime"] = 0,
            ["requestHeaders"] = new JsonObject(), ["queryParams"] = new JsonObject(), ["responseHeaders"] = new JsonObject(),
        };

        var reply = await PostRecordAsync(t, minimal);

        AssertStatus(HttpStatusCode.Created, reply);
        var view = reply.Json;
        Assert.True(Guid.TryParse(Str(view["id"]), out var id) && id.Version == 7);
        Assert.Equal("localhost:8080", Str(view["domain"]));
        Assert.Equal("HTTP", Str(view["protocol"]));
        Assert.Equal("HEAD", Str(view["method"]));
        Assert.Equal("INFO", Str(view["level"]));
        Assert.True(view.AsObject().ContainsKey("trafficUserId"));
        Assert.Null(view["trafficUserId"]);
        Assert.True(view["request"]!.AsObject().ContainsKey("body"));
        Assert.Null(view["request"]!["body"]);
        Assert.Null(view["response"]!["body"]);
        Assert.Matches(@"^\d{2}/\d{2}/\d{4} at \d{2}:\d{2}:\d{2}$", Str(view["createdAt"]));
        var created = DateTime.ParseExact(Str(view["createdAt"]), "MM/dd/yyyy 'at' HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(created, DateTime.UtcNow.AddMinutes(-5), DateTime.UtcNow.AddMinutes(5));

        var explicitProtocol = Record(domainUrl: "https://api.example.com");
        explicitProtocol["protocol"] = "http";
        explicitProtocol["timestamp"] = "2025-06-11T17:27:01+02:00";
        var other = await PostRecordAsync(t, explicitProtocol);
        AssertStatus(HttpStatusCode.Created, other);
        Assert.Equal("HTTP", Str(other.Json["protocol"]));
        Assert.Equal("06/11/2025 at 15:27:01", Str(other.Json["createdAt"]));
    }

    [Fact]
    public async Task The_same_id_again_is_200_with_the_stored_record_and_stores_nothing_more()
    {
        var t = await TenantAsync();
        var id = NewId();
        var record = Record(id);
        record["timestamp"] = "2025-06-11T15:27:01.123Z";

        var first = await PostRecordAsync(t, record);
        var again = await PostRecordAsync(t, record.DeepClone());
        var changed = Record(id.ToUpperInvariant(), pathnameUrl: "/other", status: 404);
        var retryChanged = await PostRecordAsync(t, changed);
        var byOwner = await PostRecordAsync(t, record.DeepClone(), t.Owner.Token);

        AssertStatus(HttpStatusCode.Created, first);
        AssertStatus(HttpStatusCode.OK, again);
        Assert.True(JsonNode.DeepEquals(first.Json, again.Json), $"first:\n{first.Body}\nagain:\n{again.Body}");
        Assert.Equal(RecordViewFields, again.Json.AsObject().Select(p => p.Key));
        AssertStatus(HttpStatusCode.OK, retryChanged);
        Assert.True(JsonNode.DeepEquals(first.Json, retryChanged.Json), $"first:\n{first.Body}\nretry with other content:\n{retryChanged.Body}");
        AssertStatus(HttpStatusCode.OK, byOwner);
        Assert.True(JsonNode.DeepEquals(first.Json, byOwner.Json));

        Assert.Equal(1, await ScalarAsync<int>($"SELECT COUNT(*) FROM http_traffic WHERE id = '{id}'"));
        Assert.Equal(new Footprint(1, 1, 1, 1, 1), await FootprintAsync(t));
    }

    [Fact]
    public async Task An_id_stored_in_another_source_is_409_and_changes_nothing()
    {
        var first = await TenantAsync();
        var second = await TenantAsync();
        var id = NewId();
        AssertStatus(HttpStatusCode.Created, await PostRecordAsync(first, Record(id)));

        var reply = await PostRecordAsync(second, Record(id));

        AssertProblem(reply, HttpStatusCode.Conflict, "id");
        Assert.DoesNotContain(first.SourceId, reply.Body);
        Assert.Equal(new Footprint(0, 0, 0, 0, 0), await FootprintAsync(second));
        Assert.Equal(first.SourceId, await ScalarAsync<string>($"SELECT traffic_source_id FROM http_traffic WHERE id = '{id}'"));
    }

    [Fact]
    public async Task Domains_and_pathnames_are_found_or_created_in_the_source()
    {
        var t = await TenantAsync();
        var existing = await PostAsync($"/domain/{t.SourceId}", new JsonObject { ["value"] = "shop.example.com", ["protocol"] = "HTTPS" }, t.Owner.Token);
        AssertStatus(HttpStatusCode.Created, existing);

        var a = (await PostRecordAsync(t, Record(domainUrl: "https://shop.example.com", pathnameUrl: "/cart"))).Json;
        var b = (await PostRecordAsync(t, Record(domainUrl: "https://SHOP.example.com/", pathnameUrl: "/cart"))).Json;
        var c = (await PostRecordAsync(t, Record(domainUrl: "https://shop.example.com", pathnameUrl: "/checkout"))).Json;
        var d = (await PostRecordAsync(t, Record(domainUrl: "http://shop.example.com", pathnameUrl: "/cart"))).Json;
        var e = (await PostRecordAsync(t, Record(domainUrl: "https://shop.example.com:8443", pathnameUrl: "/cart"))).Json;

        Assert.Equal(Str(existing.Json["id"]), Str(a["domainId"]));
        Assert.Equal(Str(a["domainId"]), Str(b["domainId"]));
        Assert.Equal(Str(a["pathnameId"]), Str(b["pathnameId"]));
        Assert.Equal(Str(a["domainId"]), Str(c["domainId"]));
        Assert.NotEqual(Str(a["pathnameId"]), Str(c["pathnameId"]));
        Assert.NotEqual(Str(a["domainId"]), Str(d["domainId"]));
        Assert.Equal("HTTP", Str(d["protocol"]));
        Assert.NotEqual(Str(a["domainId"]), Str(e["domainId"]));
        Assert.Equal("shop.example.com:8443", Str(e["domain"]));
        Assert.Equal(new Footprint(3, 4, 5, 5, 5), await FootprintAsync(t));

        // Another source with the same URL gets domains and pathnames of its own.
        var other = await TenantAsync();
        var f = (await PostRecordAsync(other, Record(domainUrl: "https://shop.example.com", pathnameUrl: "/cart"))).Json;
        Assert.NotEqual(Str(a["domainId"]), Str(f["domainId"]));
        Assert.NotEqual(Str(a["pathnameId"]), Str(f["pathnameId"]));
        Assert.Equal(new Footprint(1, 1, 1, 1, 1), await FootprintAsync(other));
    }

    public static TheoryData<string, string?> InvalidFields => new()
    {
        { "id", "\"not-a-uuid\"" },
        { "id", "42" },
        { "timestamp", "\"yesterday\"" },
        { "domainUrl", null },
        { "domainUrl", "\"\"" },
        { "domainUrl", "\"api.example.com\"" },
        { "domainUrl", "\"ftp://api.example.com\"" },
        { "domainUrl", "\"https://api.example.com/v1\"" },
        { "domainUrl", "\"https://api.example.com?debug=1\"" },
        { "domainUrl", "\"https://user:pw@api.example.com\"" },
        { "pathnameUrl", null },
        { "pathnameUrl", "\"users/42\"" },
        { "pathnameUrl", "\"/users?id=42\"" },
        { "pathnameUrl", "\"/a b\"" },
        { "pathnameUrl", $"\"/{new string('p', 2048)}\"" },
        { "protocol", "\"FTP\"" },
        { "method", null },
        { "method", "\"FETCH\"" },
        { "method", "7" },
        { "status", null },
        { "status", "99" },
        { "status", "600" },
        { "status", "\"200\"" },
        { "status", "200.5" },
        { "elapsedTime", null },
        { "elapsedTime", "-1" },
        { "elapsedTime", "\"fast\"" },
        { "trafficUserId", $"\"{new string('u', 256)}\"" },
        { "trafficUserId", "456" },
        { "requestHeaders", null },
        { "requestHeaders", "null" },
        { "requestHeaders", "[]" },
        { "requestHeaders", "\"accept: */*\"" },
        { "queryParams", null },
        { "queryParams", "\"page=1\"" },
        { "responseHeaders", null },
        { "responseHeaders", "42" },
    };

    [Theory]
    [MemberData(nameof(InvalidFields))]
    public async Task An_invalid_field_is_400_naming_it_and_stores_nothing(string field, string? json)
    {
        var t = await SharedTenantAsync();
        var record = Record(NewId());
        if (json is null) record.Remove(field);
        else record[field] = JsonNode.Parse(json);

        var reply = await PostRecordAsync(t, record);

        AssertProblem(reply, HttpStatusCode.BadRequest, field);
        Assert.Equal(new Footprint(0, 0, 0, 0, 0), await FootprintAsync(t));
    }

    [Fact]
    public async Task Bad_bodies_tokens_and_sources_are_problems()
    {
        var t = await SharedTenantAsync();
        var stranger = await TenantAsync(owner: await StrangerAsync());
        var path = $"/http-traffic-record/{t.SourceId}";

        AssertProblem(await SendRawAsync(HttpMethod.Post, path, """{"domainUrl": """, t.Key), HttpStatusCode.BadRequest);
        AssertProblem(await SendRawAsync(HttpMethod.Post, path, "[1, 2]", t.Key), HttpStatusCode.BadRequest);
        AssertProblem(await SendRawAsync(HttpMethod.Post, path, null, t.Key), HttpStatusCode.BadRequest);
        AssertProblem(await SendRawAsync(HttpMethod.Post, "/http-traffic-record/not-a-uuid", Record().ToJsonString(), t.Owner.Token), HttpStatusCode.BadRequest, "trafficSourceId");
        AssertProblem(await SendRawAsync(HttpMethod.Post, path, Record().ToJsonString()), HttpStatusCode.BadRequest);
        AssertProblem(await SendRawAsync(HttpMethod.Post, path, Record().ToJsonString(), "not-a-jwt"), HttpStatusCode.Unauthorized);
        AssertProblem(await SendRawAsync(HttpMethod.Post, $"/http-traffic-record/{NewId()}", Record().ToJsonString(), t.Owner.Token), HttpStatusCode.NotFound, "trafficSourceId");
        AssertProblem(await SendRawAsync(HttpMethod.Post, path, Record().ToJsonString(), stranger.Owner.Token), HttpStatusCode.Forbidden);

        Assert.Equal(new Footprint(0, 0, 0, 0, 0), await FootprintAsync(t));
        Assert.Equal(new Footprint(0, 0, 0, 0, 0), await FootprintAsync(stranger));
    }

    [Fact]
    public async Task Twenty_concurrent_posts_of_one_record_store_it_once()
    {
        var t = await TenantAsync();
        var id = NewId();
        var json = Record(id, domainUrl: "https://race.example.com", pathnameUrl: "/race").ToJsonString();

        var replies = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => SendRawAsync(HttpMethod.Post, $"/http-traffic-record/{t.SourceId}", json, t.Key)));

        var statuses = replies.Select(r => (int)r.Status).ToList();
        Assert.True(statuses.All(s => s is 200 or 201), $"statuses: {string.Join(", ", statuses)}; first odd body: {replies.FirstOrDefault(r => (int)r.Status is not (200 or 201))?.Body}");
        Assert.Single(statuses, s => s == 201);
        var created = replies.Single(r => r.Status == HttpStatusCode.Created).Json;
        foreach (var reply in replies)
            Assert.True(JsonNode.DeepEquals(created, reply.Json), $"created:\n{created.ToJsonString()}\nbut got:\n{reply.Body}");
        Assert.Equal(1, await ScalarAsync<int>($"SELECT COUNT(*) FROM http_traffic WHERE id = '{id}'"));
        Assert.Equal(new Footprint(1, 1, 1, 1, 1), await FootprintAsync(t));
    }

    [Fact]
    public async Task Twenty_concurrent_records_to_one_new_url_share_one_domain_and_pathname()
    {
        var t = await TenantAsync();

        var replies = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            PostRecordAsync(t, Record(i % 2 == 0 ? NewId() : null, domainUrl: "https://crowd.example.com", pathnameUrl: "/crowd"))));

        Assert.All(replies, r => AssertStatus(HttpStatusCode.Created, r));
        Assert.Single(replies.Select(r => Str(r.Json["domainId"])).Distinct());
        Assert.Single(replies.Select(r => Str(r.Json["pathnameId"])).Distinct());
        Assert.Equal(new Footprint(1, 1, 20, 20, 20), await FootprintAsync(t));
    }

    [Fact]
    public async Task A_deleted_domain_or_pathname_is_found_or_created_again_for_the_next_record()
    {
        // The writer remembers domain and pathname ids; a deleted one must never be reused.
        var t = await TenantAsync();
        var first = (await PostRecordAsync(t, Record(domainUrl: "https://gone.example.com", pathnameUrl: "/gone"))).Json;
        Assert.Equal(HttpStatusCode.NoContent, (await SendAsync(HttpMethod.Delete, $"/domain/{Str(first["domainId"])}", token: t.Owner.Token)).Status);

        var second = await PostRecordAsync(t, Record(domainUrl: "https://gone.example.com", pathnameUrl: "/gone"));

        AssertStatus(HttpStatusCode.Created, second);
        Assert.NotEqual(Str(first["domainId"]), Str(second.Json["domainId"]));
        Assert.NotEqual(Str(first["pathnameId"]), Str(second.Json["pathnameId"]));
        Assert.Equal(HttpStatusCode.NoContent, (await SendAsync(HttpMethod.Delete, $"/pathname/{Str(second.Json["pathnameId"])}", token: t.Owner.Token)).Status);

        var third = await PostRecordAsync(t, Record(NewId(), domainUrl: "https://gone.example.com", pathnameUrl: "/gone"));

        AssertStatus(HttpStatusCode.Created, third);
        Assert.Equal(Str(second.Json["domainId"]), Str(third.Json["domainId"]));
        Assert.NotEqual(Str(second.Json["pathnameId"]), Str(third.Json["pathnameId"]));
        Assert.Equal(new Footprint(1, 1, 1, 1, 1), await FootprintAsync(t));
        Assert.Equal(1, await ScalarAsync<int>($"SELECT COUNT(*) FROM pathnames WHERE id = '{Str(third.Json["pathnameId"])}' AND domain_id = '{Str(third.Json["domainId"])}'"));
    }

    [Fact]
    public async Task Concurrent_records_to_a_deleted_pathname_all_find_or_create_it_again_together()
    {
        // Every write of these groups finds its remembered pathname gone and queries for it in the middle of the
        // group, while the group's other writes wait to be sent together (PostgreSQL) or in turn (SQLite).
        var t = await TenantAsync();
        var first = (await PostRecordAsync(t, Record(domainUrl: "https://again.example.com", pathnameUrl: "/again"))).Json;
        Assert.Equal(HttpStatusCode.NoContent, (await SendAsync(HttpMethod.Delete, $"/pathname/{Str(first["pathnameId"])}", token: t.Owner.Token)).Status);

        var replies = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ =>
            PostRecordAsync(t, Record(domainUrl: "https://again.example.com", pathnameUrl: "/again"))));

        Assert.All(replies, r => AssertStatus(HttpStatusCode.Created, r));
        var pathnameId = Assert.Single(replies.Select(r => Str(r.Json["pathnameId"])).Distinct());
        Assert.NotEqual(Str(first["pathnameId"]), pathnameId);
        Assert.Equal(new Footprint(1, 1, 20, 20, 20), await FootprintAsync(t));
    }

    [Fact]
    public async Task Concurrent_records_each_get_their_own_answer_when_some_of_them_fail()
    {
        // Writes are committed in groups; a failing write (an id stored in another source) must not undo the others.
        var t = await TenantAsync();
        var other = await TenantAsync();
        var taken = Enumerable.Range(0, 10).Select(_ => NewId()).ToList();
        foreach (var id in taken) AssertStatus(HttpStatusCode.Created, await PostRecordAsync(other, Record(id)));

        var fresh = Enumerable.Range(0, 20).Select(_ => NewId()).ToList();
        var replies = await Task.WhenAll(taken.Concat(fresh).Select(id => PostRecordAsync(t, Record(id, pathnameUrl: "/mixed"))));

        for (var i = 0; i < taken.Count; i++) AssertProblem(replies[i], HttpStatusCode.Conflict, "id");
        for (var i = taken.Count; i < replies.Length; i++)
        {
            AssertStatus(HttpStatusCode.Created, replies[i]);
            Assert.Equal(fresh[i - taken.Count], Str(replies[i].Json["id"]));
        }
        Assert.Equal(new Footprint(1, 1, 20, 20, 20), await FootprintAsync(t));
        Assert.Equal(new Footprint(1, 1, 10, 10, 10), await FootprintAsync(other));
    }

    [Fact]
    public async Task A_failure_on_the_last_insert_leaves_nothing_behind()
    {
        var t = await TenantAsync();
        AssertStatus(HttpStatusCode.Created, await PostRecordAsync(t, Record(domainUrl: "https://before.example.com")));
        var before = await FootprintAsync(t);
        var totalBefore = await TotalsAsync();

        await using (await BoomTriggerAsync())
        {
            var single = await PostRecordAsync(t, Record(NewId(), domainUrl: "https://brand-new.example.com", pathnameUrl: "/never"));
            var problem = AssertProblem(single, HttpStatusCode.InternalServerError);
            Assert.DoesNotContain("boom", single.Body, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("http_traffic", single.Body);
            Assert.DoesNotContain("   at ", single.Body);
            Assert.NotNull(problem["traceId"]);

            var batch = await PostBatchAsync(t, [Record(NewId(), domainUrl: "https://batch-new.example.com"), Record(domainUrl: "https://before.example.com", pathnameUrl: "/new")]);
            AssertProblem(batch, HttpStatusCode.InternalServerError);

            Assert.Equal(before, await FootprintAsync(t));
            Assert.Equal(totalBefore, await TotalsAsync());
            Assert.Equal(0, await ScalarAsync<int>("SELECT COUNT(*) FROM domains WHERE value IN ('brand-new.example.com', 'batch-new.example.com')"));
        }

        // Once the fault is gone the same record goes in whole.
        var after = await PostRecordAsync(t, Record(domainUrl: "https://brand-new.example.com", pathnameUrl: "/never"));
        AssertStatus(HttpStatusCode.Created, after);
        Assert.Equal(before with { Domains = before.Domains + 1, Pathnames = before.Pathnames + 1, Requests = before.Requests + 1, Responses = before.Responses + 1, Traffic = before.Traffic + 1 },
            await FootprintAsync(t));
    }

    [Fact]
    public async Task A_body_over_the_request_limit_is_413_and_stores_nothing()
    {
        var t = await TenantAsync();
        var record = Record();
        record["requestBody"] = new string('x', 1_100_000);

        var plain = await PostRecordAsync(t, record);
        var zipped = await SendOnAsync(Client, HttpMethod.Post, $"/http-traffic-record/{t.SourceId}", Gzip(record.ToJsonString()), t.Key);

        AssertProblem(plain, HttpStatusCode.RequestEntityTooLarge);
        AssertProblem(zipped, HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal(new Footprint(0, 0, 0, 0, 0), await FootprintAsync(t));
    }

    [Fact]
    public async Task A_gzip_record_is_accepted()
    {
        var t = await TenantAsync();
        var id = NewId();

        var reply = await SendOnAsync(Client, HttpMethod.Post, $"/http-traffic-record/{t.SourceId}", Gzip(Record(id).ToJsonString()), t.Key);

        AssertStatus(HttpStatusCode.Created, reply);
        Assert.Equal(id, Str(reply.Json["id"]));
        Assert.Equal(1, await ScalarAsync<int>($"SELECT COUNT(*) FROM http_traffic WHERE id = '{id}'"));
    }

    [Fact]
    public async Task Bodies_over_the_stored_cap_are_cut_and_flagged()
    {
        var t = await TenantAsync();
        var record = Record();
        record["requestBody"] = new JsonObject { ["text"] = string.Concat(Enumerable.Repeat("é", 40_000)) };
        record["responseBody"] = "short";

        var reply = await PostRecordAsync(t, record);

        AssertStatus(HttpStatusCode.Created, reply);
        var body = reply.Json["request"]!["body"]!;
        Assert.True(reply.Json["request"]!["bodyTruncated"]!.GetValue<bool>());
        var text = body.GetValue<string>();
        Assert.StartsWith("{\"text\":\"", text);
        Assert.True(System.Text.Encoding.UTF8.GetByteCount(text) <= 65_536, $"{System.Text.Encoding.UTF8.GetByteCount(text)} bytes kept");
        Assert.True(System.Text.Encoding.UTF8.GetByteCount(text) > 65_000);
        Assert.DoesNotContain('\uFFFD', text);
        Assert.False(reply.Json["response"]!["bodyTruncated"]!.GetValue<bool>());
        Assert.Equal("short", Str(reply.Json["response"]!["body"]));
    }

    async Task<int[]> TotalsAsync() =>
    [
        await ScalarAsync<int>("SELECT COUNT(*) FROM domains"),
        await ScalarAsync<int>("SELECT COUNT(*) FROM pathnames"),
        await ScalarAsync<int>("SELECT COUNT(*) FROM requests"),
        await ScalarAsync<int>("SELECT COUNT(*) FROM responses"),
        await ScalarAsync<int>("SELECT COUNT(*) FROM http_traffic"),
    ];

    /// <summary>A trigger that makes every insert into http_traffic fail, dropped when disposed.</summary>
    async Task<IAsyncDisposable> BoomTriggerAsync()
    {
        if (App.Engine == Engine.Sqlite)
        {
            await ExecuteSqlAsync("CREATE TRIGGER boom BEFORE INSERT ON http_traffic BEGIN SELECT RAISE(ABORT, 'boom'); END;");
            return new Cleanup(() => ExecuteSqlAsync("DROP TRIGGER IF EXISTS boom"));
        }
        await ExecuteSqlAsync("CREATE OR REPLACE FUNCTION boom() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'boom'; END; $$");
        await ExecuteSqlAsync("CREATE TRIGGER boom BEFORE INSERT ON http_traffic FOR EACH ROW EXECUTE FUNCTION boom()");
        return new Cleanup(async () =>
        {
            await ExecuteSqlAsync("DROP TRIGGER IF EXISTS boom ON http_traffic");
            await ExecuteSqlAsync("DROP FUNCTION IF EXISTS boom()");
        });
    }

    sealed class Cleanup(Func<Task> action) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await action();
    }
}

public sealed class RecordTestsOnSqlite(SqliteApp app) : RecordTests(app), IClassFixture<SqliteApp>;

public sealed class RecordTestsOnPostgres(PostgresApp app) : RecordTests(app), IClassFixture<PostgresApp>;
