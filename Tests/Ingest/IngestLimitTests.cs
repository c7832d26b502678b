using Arkyn.Tests.Infrastructure;

namespace Arkyn.Tests.Ingest;

/// <summary>Body size limits counted on the uncompressed body, the batch route's own limit, and the per-key rate limit, each on an app configured for it.</summary>
public abstract class IngestLimitTests(ArkynApp app) : IngestTest(app)
{
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
        var t = await TenantAsync(client);
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

    [Fact]
    public async Task Over_its_rate_a_key_gets_429_with_retry_after_while_people_and_other_keys_go_on()
    {
        await using var limited = new ArkynApp(App.Engine, new Dictionary<string, string?>
        {
            ["Ingest:RateLimit:PermitsPerSecond"] = "1",
            ["Ingest:RateLimit:Burst"] = "2",
        });
        await limited.InitializeAsync();
        using var client = limited.CreateClient();
        var t = await TenantAsync(client);
        Task<Reply> NewRequest(string token) => PostAsync("/request", new JsonObject { ["headers"] = new JsonObject(), ["queryParams"] = new JsonObject() }, token, client);

        // People's tokens are not limited (this also warms the route up so that the key's calls are quick).
        for (var i = 0; i < 5; i++)
            AssertStatus(HttpStatusCode.Created, await NewRequest(t.Owner.Token));

        // The bucket starts with the burst: two calls pass, and the third is refused. The bucket refills by one token
        // a second, so should a refill fall between these calls the refusal comes one call later; no timing is assumed.
        var replies = new List<Reply>();
        for (var i = 0; i < 8 && replies.All(r => r.Status != HttpStatusCode.TooManyRequests); i++)
            replies.Add(await NewRequest(t.Key));

        Assert.All(replies.Take(2), r => AssertStatus(HttpStatusCode.Created, r));
        var refused = replies.FirstOrDefault(r => r.Status == HttpStatusCode.TooManyRequests);
        Assert.True(refused is not null, $"no 429 in {replies.Count} quick calls: {string.Join(", ", replies.Select(r => (int)r.Status))}");
        Assert.InRange(replies.IndexOf(refused), 2, 4);
        AssertProblem(refused, HttpStatusCode.TooManyRequests);
        var retryAfter = refused.Message.Headers.RetryAfter;
        Assert.NotNull(retryAfter);
        Assert.True(retryAfter.Delta is { TotalSeconds: >= 1 }, $"Retry-After: {retryAfter}");
        var created = replies.Count(r => r.Status == HttpStatusCode.Created);
        Assert.Equal(created, await ScalarOnAsync<int>(limited, $"SELECT COUNT(*) FROM requests WHERE ingest_key_id = '{t.KeyId}'"));

        // Limited per key: another key of the same source and the owner's token still pass.
        var second = Str((await CreateKeyAsync(t.Owner, t.SourceId, "second agent", client))["key"]);
        AssertStatus(HttpStatusCode.Created, await NewRequest(second));
        AssertStatus(HttpStatusCode.Created, await NewRequest(t.Owner.Token));
        AssertStatus(HttpStatusCode.Created, await PostRecordAsync(t, Record(), t.Owner.Token, client));
    }

    [Fact]
    public async Task Without_configuration_keys_are_not_rate_limited()
    {
        var t = await TenantAsync();

        var replies = new List<Reply>();
        for (var i = 0; i < 10; i++)
            replies.Add(await PostAsync("/request", new JsonObject { ["headers"] = new JsonObject(), ["queryParams"] = new JsonObject() }, t.Key));

        Assert.All(replies, r => AssertStatus(HttpStatusCode.Created, r));
    }
}

public sealed class IngestLimitTestsOnSqlite(SqliteApp app) : IngestLimitTests(app), IClassFixture<SqliteApp>;

public sealed class IngestLimitTestsOnPostgres(PostgresApp app) : IngestLimitTests(app), IClassFixture<PostgresApp>;
