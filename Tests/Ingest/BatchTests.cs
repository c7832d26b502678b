using Arkyn.Tests.Infrastructure;

namespace Arkyn.Tests.Ingest;

/// <summary>POST /http-traffic-record/:trafficSourceId/batch: each record judged on its own and reported by index in a 207; gzip bodies; body limits counted uncompressed.</summary>
public abstract class BatchTests(ArkynApp app) : IngestTest(app)
{
    static Dictionary<int, JsonNode> ByIndex(JsonNode? list) =>
        list!.AsArray().ToDictionary(e => e!["index"]!.GetValue<int>(), e => e!);

    [Fact]
    public async Task Every_record_is_reported_by_index_and_only_the_good_new_ones_are_stored()
    {
        var t = await TenantAsync();
        var earlier = NewId();
        AssertStatus(HttpStatusCode.Created, await PostRecordAsync(t, Record(earlier)));
        var fresh = NewId();
        var badStatusId = NewId();
        var wrongType = Record(NewId());
        wrongType["status"] = "200";
        var badStatus = Record(badStatusId);
        badStatus["status"] = 700;
        var noDomain = Record();
        noDomain.Remove("domainUrl");
        var badHeaders = Record();
        badHeaders["responseHeaders"] = new JsonArray("content-type: text/plain");

        var reply = await PostBatchAsync(t,
        [
            Record(fresh, pathnameUrl: "/a"),       // 0: new → 201
            Record(pathnameUrl: "/b"),              // 1: new, server id → 201
            Record(earlier),                        // 2: stored by an earlier call → 200
            Record(fresh, pathnameUrl: "/other"),   // 3: repeats index 0 → 200, stored once
            JsonValue.Create(42),                   // 4: not an object → 400
            wrongType,                              // 5: wrong JSON type → 400 status
            badStatus,                              // 6: status out of range → 400 status
            noDomain,                               // 7: missing domainUrl → 400 domainUrl
            null,                                   // 8: null → 400
            badHeaders,                             // 9: headers not an object → 400 responseHeaders
            Record(earlier.ToUpperInvariant()),     // 10: stored id in upper case → 200
        ]);

        Assert.True((int)reply.Status == 207, $"expected 207, got {(int)reply.Status}: {reply.Body}");
        Assert.Equal("application/json", reply.ContentType);
        Assert.Equal(["successes", "errors"], reply.Json.AsObject().Select(p => p.Key));
        var successes = ByIndex(reply.Json["successes"]);
        var errors = ByIndex(reply.Json["errors"]);
        Assert.Equal([0, 1, 2, 3, 10], successes.Keys.Order());
        Assert.Equal([4, 5, 6, 7, 8, 9], errors.Keys.Order());
        foreach (var s in successes.Values) Assert.Equal(["index", "id", "status"], s.AsObject().Select(p => p.Key));
        foreach (var e in errors.Values) Assert.Equal(["index", "id", "status", "errors"], e.AsObject().Select(p => p.Key));

        Assert.Equal((fresh, 201), (Str(successes[0]["id"]), successes[0]["status"]!.GetValue<int>()));
        Assert.Equal(201, successes[1]["status"]!.GetValue<int>());
        Assert.True(Guid.TryParse(Str(successes[1]["id"]), out var serverId) && serverId.Version == 7);
        Assert.Equal((earlier, 200), (Str(successes[2]["id"]), successes[2]["status"]!.GetValue<int>()));
        Assert.Equal((fresh, 200), (Str(successes[3]["id"]), successes[3]["status"]!.GetValue<int>()));
        Assert.Equal((earlier, 200), (Str(successes[10]["id"]), successes[10]["status"]!.GetValue<int>()));

        Assert.All(errors.Values, e => Assert.Equal(400, e["status"]!.GetValue<int>()));
        void HasError(int index, string field) =>
            Assert.True(errors[index]["errors"]?[field] is JsonArray { Count: > 0 }, $"record {index}: expected an error on '{field}': {errors[index].ToJsonString()}");
        Assert.NotEmpty(errors[4]["errors"]!.AsObject());
        Assert.Null(errors[4]["id"]);
        HasError(5, "status");
        HasError(6, "status");
        Assert.Equal(badStatusId, Str(errors[6]["id"]));
        HasError(7, "domainUrl");
        Assert.NotEmpty(errors[8]["errors"]!.AsObject());
        HasError(9, "responseHeaders");

        Assert.Equal(1, await ScalarAsync<int>($"SELECT COUNT(*) FROM http_traffic WHERE id = '{fresh}'"));
        Assert.Equal(1, await ScalarAsync<int>($"SELECT COUNT(*) FROM http_traffic WHERE id = '{earlier}'"));
        Assert.Equal(0, await ScalarAsync<int>($"SELECT COUNT(*) FROM http_traffic WHERE id = '{badStatusId}'"));
        Assert.Equal("/a", await ScalarAsync<string>($"SELECT p.value FROM http_traffic t JOIN pathnames p ON p.id = t.pathname_id WHERE t.id = '{fresh}'"));
        Assert.Equal(new Footprint(1, 3, 3, 3, 3), await FootprintAsync(t));
    }

    [Fact]
    public async Task Batched_records_are_stored_like_single_ones()
    {
        var t = await TenantAsync();
        var id = NewId();
        var record = Record(id, domainUrl: "https://Batch.Example.com", pathnameUrl: "/orders/9", method: "delete", status: 404);
        record["timestamp"] = "2025-06-11T15:27:01Z";
        record["requestBody"] = new JsonObject { ["q"] = 1 };
        var existingDomain = (await PostRecordAsync(t, Record(domainUrl: "https://batch.example.com", pathnameUrl: "/orders/9"))).Json;

        var reply = await PostBatchAsync(t, [record, Record(domainUrl: "https://batch.example.com", pathnameUrl: "/orders/10")]);
        var stored = await PostRecordAsync(t, Record(id));

        Assert.True((int)reply.Status == 207, reply.Body);
        Assert.Empty(reply.Json["errors"]!.AsArray());
        AssertStatus(HttpStatusCode.OK, stored);
        var view = stored.Json;
        Assert.Equal("DELETE", Str(view["method"]));
        Assert.Equal("WARNING", Str(view["level"]));
        Assert.Equal(404, view["status"]!.GetValue<int>());
        Assert.Equal("06/11/2025 at 15:27:01", Str(view["createdAt"]));
        Assert.Equal("batch.example.com", Str(view["domain"]));
        Assert.Equal("HTTPS", Str(view["protocol"]));
        Assert.Equal(Str(existingDomain["domainId"]), Str(view["domainId"]));
        Assert.Equal(Str(existingDomain["pathnameId"]), Str(view["pathnameId"]));
        Assert.True(JsonNode.DeepEquals(new JsonObject { ["q"] = 1 }, view["request"]!["body"]));
        Assert.True(JsonNode.DeepEquals(new JsonObject { ["id"] = 42, ["name"] = "Ada" }, view["response"]!["body"]));
        Assert.Equal(t.KeyId, await ScalarAsync<string>($"SELECT ingest_key_id FROM requests WHERE id = '{Str(view["requestId"])}'"));
        Assert.Equal(new Footprint(1, 2, 3, 3, 3), await FootprintAsync(t));
    }

    [Fact]
    public async Task An_id_taken_by_another_source_fails_alone()
    {
        var other = await TenantAsync();
        var taken = NewId();
        AssertStatus(HttpStatusCode.Created, await PostRecordAsync(other, Record(taken)));
        var t = await TenantAsync();

        var reply = await PostBatchAsync(t, [Record(), Record(taken), Record()]);

        Assert.True((int)reply.Status == 207, reply.Body);
        var errors = ByIndex(reply.Json["errors"]);
        Assert.Equal([1], errors.Keys);
        Assert.Equal(409, errors[1]["status"]!.GetValue<int>());
        Assert.True(errors[1]["errors"]?["id"] is JsonArray { Count: > 0 }, reply.Body);
        Assert.Equal([0, 2], ByIndex(reply.Json["successes"]).Keys.Order());
        Assert.Equal(new Footprint(1, 1, 2, 2, 2), await FootprintAsync(t));
        Assert.Equal(other.SourceId, await ScalarAsync<string>($"SELECT traffic_source_id FROM http_traffic WHERE id = '{taken}'"));
    }

    [Fact]
    public async Task Concurrent_batches_with_the_same_ids_store_each_record_once()
    {
        var t = await TenantAsync();
        var ids = Enumerable.Range(0, 10).Select(_ => NewId()).ToList();
        var json = new JsonObject
        {
            ["records"] = new JsonArray(ids.Select((id, i) => (JsonNode?)Record(id, pathnameUrl: $"/same/{i % 3}")).ToArray()),
        }.ToJsonString();

        var replies = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ =>
            SendRawAsync(HttpMethod.Post, $"/http-traffic-record/{t.SourceId}/batch", json, t.Key)));

        Assert.All(replies, r => Assert.True((int)r.Status == 207, $"{(int)r.Status}: {r.Body}"));
        Assert.All(replies, r => Assert.Empty(r.Json["errors"]!.AsArray()));
        var outcomes = replies.SelectMany(r => r.Json["successes"]!.AsArray()).GroupBy(s => Str(s!["id"])).ToList();
        Assert.Equal(ids.Order(), outcomes.Select(g => g.Key).Order());
        Assert.All(outcomes, g => Assert.Equal([200, 200, 200, 200, 201], g.Select(s => s!["status"]!.GetValue<int>()).Order()));
        Assert.Equal(new Footprint(1, 3, 10, 10, 10), await FootprintAsync(t));
    }

    [Fact]
    public async Task An_empty_batch_is_an_empty_207()
    {
        var t = await TenantAsync();

        var reply = await PostBatchAsync(t, []);

        Assert.True((int)reply.Status == 207, reply.Body);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"successes":[],"errors":[]}"""), reply.Json), reply.Body);
    }

    [Theory]
    [InlineData("[]", null)]
    [InlineData("\"records\"", null)]
    [InlineData("{}", "records")]
    [InlineData("""{"records": null}""", "records")]
    [InlineData("""{"records": {}}""", "records")]
    [InlineData("""{"records": "[]"}""", "records")]
    [InlineData("""{"records": [""", null)]
    public async Task A_bad_wrapper_is_400(string json, string? field)
    {
        var t = await SharedTenantAsync();

        var reply = await SendRawAsync(HttpMethod.Post, $"/http-traffic-record/{t.SourceId}/batch", json, t.Key);

        AssertProblem(reply, HttpStatusCode.BadRequest, field);
    }

    [Fact]
    public async Task More_than_a_thousand_records_is_400_and_a_thousand_are_judged_one_by_one()
    {
        var t = await TenantAsync();
        var tooMany = Enumerable.Range(0, 1001).Select(i => (JsonNode?)Record(pathnameUrl: $"/items/{i}")).ToList();

        var refused = await PostBatchAsync(t, tooMany);

        AssertProblem(refused, HttpStatusCode.BadRequest, "records");
        Assert.Equal(new Footprint(0, 0, 0, 0, 0), await FootprintAsync(t));

        // A thousand is allowed; invalid ones keep this cheap while showing each is judged and reported on its own.
        var thousand = await PostBatchAsync(t, Enumerable.Range(0, 1000).Select(i => (JsonNode?)(i == 999 ? Record() : new JsonObject())));
        Assert.True((int)thousand.Status == 207, thousand.Body);
        Assert.Equal(999, thousand.Json["errors"]!.AsArray().Count);
        Assert.Equal(Enumerable.Range(0, 999), thousand.Json["errors"]!.AsArray().Select(e => e!["index"]!.GetValue<int>()));
        Assert.Equal(999, thousand.Json["successes"]![0]!["index"]!.GetValue<int>());
        Assert.Equal(new Footprint(1, 1, 1, 1, 1), await FootprintAsync(t));
    }

    [Fact]
    public async Task A_batch_for_another_source_or_a_missing_one_is_refused()
    {
        var t = await TenantAsync();
        var stranger = await StrangerAsync();

        AssertProblem(await PostBatchAsync(t, [Record()], token: stranger.Token), HttpStatusCode.Forbidden);
        AssertProblem(await PostAsync($"/http-traffic-record/{NewId()}/batch", new JsonObject { ["records"] = new JsonArray() }, t.Owner.Token), HttpStatusCode.NotFound);
        AssertProblem(await PostAsync("/http-traffic-record/nope/batch", new JsonObject { ["records"] = new JsonArray() }, t.Owner.Token), HttpStatusCode.BadRequest, "trafficSourceId");
        AssertProblem(await PostBatchAsync(t, [Record()], token: "ak_unknown"), HttpStatusCode.Unauthorized);
        AssertProblem(await SendRawAsync(HttpMethod.Post, $"/http-traffic-record/{t.SourceId}/batch", """{"records":[]}"""), HttpStatusCode.BadRequest);
        Assert.Equal(new Footprint(0, 0, 0, 0, 0), await FootprintAsync(t));

        var byOwner = await PostBatchAsync(t, [Record()], token: t.Owner.Token);
        Assert.True((int)byOwner.Status == 207, byOwner.Body);
        Assert.Equal(1, (await FootprintAsync(t)).Traffic);
    }

    [Fact]
    public async Task A_gzip_batch_is_stored()
    {
        var t = await TenantAsync();
        var ids = Enumerable.Range(0, 3).Select(_ => NewId()).ToList();
        var json = new JsonObject { ["records"] = new JsonArray(ids.Select(id => (JsonNode?)Record(id)).ToArray()) }.ToJsonString();

        var reply = await SendOnAsync(Client, HttpMethod.Post, $"/http-traffic-record/{t.SourceId}/batch", Gzip(json), t.Key);

        Assert.True((int)reply.Status == 207, $"{(int)reply.Status}: {reply.Body}");
        Assert.Equal(ids, reply.Json["successes"]!.AsArray().Select(s => Str(s!["id"])));
        Assert.All(reply.Json["successes"]!.AsArray(), s => Assert.Equal(201, s!["status"]!.GetValue<int>()));
        Assert.Equal(new Footprint(1, 1, 3, 3, 3), await FootprintAsync(t));
    }

    [Fact]
    public async Task A_body_that_is_not_gzip_but_says_so_is_400()
    {
        var t = await TenantAsync();
        var content = Json(new JsonObject { ["records"] = new JsonArray(Record()) });
        content.Headers.ContentEncoding.Add("gzip");

        var reply = await SendOnAsync(Client, HttpMethod.Post, $"/http-traffic-record/{t.SourceId}/batch", content, t.Key);

        AssertProblem(reply, HttpStatusCode.BadRequest);
        Assert.Equal(new Footprint(0, 0, 0, 0, 0), await FootprintAsync(t));
    }

    static JsonObject PaddedRecord(int padding)
    {
        var record = Record(NewId());
        record["requestBody"] = new JsonObject { ["padding"] = new string('p', padding) };
        return record;
    }

    static string Batch(params JsonNode[] records) => new JsonObject { ["records"] = new JsonArray(records) }.ToJsonString();

    [Fact]
    public async Task Bodies_are_limited_by_their_uncompressed_size_and_the_batch_route_by_its_own_limit()
    {
        await using var limited = new ArkynApp(App.Engine, new Dictionary<string, string?>
        {
            ["Api:MaxRequestBodyBytes"] = "2000",
            ["Ingest:MaxBatchBytes"] = "6000",
        });
        await limited.InitializeAsync();
        using var client = limited.CreateClient();
        var t = await TenantAsync(limited, client);
        var single = $"/http-traffic-record/{t.SourceId}";
        var batch = $"/http-traffic-record/{t.SourceId}/batch";

        var small = PaddedRecord(100).ToJsonString();
        var overApi = PaddedRecord(2500).ToJsonString();
        var overBatch = Batch(PaddedRecord(2500), PaddedRecord(2500), PaddedRecord(2500));
        Assert.True(small.Length < 2000 && overApi.Length is > 2000 and < 6000 && overBatch.Length > 6000);
        var zippedOverApi = Gzip(overApi);
        var zippedOverBatch = Gzip(overBatch);
        Assert.True((await zippedOverApi.ReadAsByteArrayAsync(Ct)).Length < 2000);
        Assert.True((await zippedOverBatch.ReadAsByteArrayAsync(Ct)).Length < 2000);

        AssertStatus(HttpStatusCode.Created, await SendOnAsync(client, HttpMethod.Post, single, Json(small), t.Key));
        AssertProblem(await SendOnAsync(client, HttpMethod.Post, single, Json(overApi), t.Key), HttpStatusCode.RequestEntityTooLarge);
        AssertProblem(await SendOnAsync(client, HttpMethod.Post, single, zippedOverApi, t.Key), HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal(new Footprint(1, 1, 1, 1, 1), await FootprintAsync(t, limited));

        // The batch route takes bodies over Api:MaxRequestBodyBytes up to Ingest:MaxBatchBytes ...
        var underBatch = await SendOnAsync(client, HttpMethod.Post, batch, Json(Batch(PaddedRecord(2500))), t.Key);
        Assert.True((int)underBatch.Status == 207, $"{(int)underBatch.Status}: {underBatch.Body}");
        Assert.Equal(new Footprint(1, 1, 2, 2, 2), await FootprintAsync(t, limited));

        // ... and not beyond, compressed or not.
        AssertProblem(await SendOnAsync(client, HttpMethod.Post, batch, Json(overBatch), t.Key), HttpStatusCode.RequestEntityTooLarge);
        AssertProblem(await SendOnAsync(client, HttpMethod.Post, batch, zippedOverBatch, t.Key), HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal(new Footprint(1, 1, 2, 2, 2), await FootprintAsync(t, limited));
    }
}

public sealed class BatchTestsOnSqlite(SqliteApp app) : BatchTests(app), IClassFixture<SqliteApp>;

public sealed class BatchTestsOnPostgres(PostgresApp app) : BatchTests(app), IClassFixture<PostgresApp>;
