using Arkyn.Tests.Infrastructure;

namespace Arkyn.Tests.Ingest;

/// <summary>Ingest keys: created and shown once, stored as a hash, listed without the key, revoked at once, limited to the write routes of their own source, and rate-limited when configured.</summary>
public abstract class IngestKeyTests(ArkynApp app) : IngestTest(app)
{
    [Fact]
    public async Task Create_shows_the_key_once_and_the_list_never_does()
    {
        var owner = await SharedAccountAsync("owner");
        var sourceId = await CreateSourceAsync(owner);

        var created = await PostAsync($"/traffic-source/{sourceId}/ingest-keys", new JsonObject { ["name"] = "  production agent " }, owner.Token);

        AssertStatus(HttpStatusCode.Created, created);
        var json = created.Json.AsObject();
        Assert.Equal(["id", "name", "prefix", "key", "createdAt"], json.Select(p => p.Key));
        Assert.True(Guid.TryParse(Str(json["id"]), out var id) && id.Version == 7);
        Assert.Equal("production agent", Str(json["name"]));
        var key = Str(json["key"]);
        Assert.StartsWith("ak_", key);
        Assert.True(key.Length >= 43, $"key '{key}' is only {key.Length} characters");
        var prefix = Str(json["prefix"]);
        Assert.StartsWith("ak_", prefix);
        Assert.StartsWith(prefix, key);
        Assert.True(prefix.Length < key.Length - 20, "the prefix must not give away the key");
        Assert.Matches(@"^\d{2}/\d{2}/\d{4} at \d{2}:\d{2}:\d{2}$", Str(json["createdAt"]));

        var second = await CreateKeyAsync(owner, sourceId, "staging agent");
        Assert.NotEqual(key, Str(second["key"]));

        var list = await SendAsync(HttpMethod.Get, $"/traffic-source/{sourceId}/ingest-keys", token: owner.Token);
        AssertStatus(HttpStatusCode.OK, list);
        Assert.DoesNotContain(key, list.Body);
        Assert.DoesNotContain(Str(second["key"]), list.Body);
        Assert.Equal(2, list.Json["meta"]!["totalItems"]!.GetValue<int>());
        Assert.Equal(1, list.Json["meta"]!["page"]!.GetValue<int>());
        var items = list.Json["data"]!.AsArray();
        Assert.Equal(2, items.Count);
        foreach (var item in items)
        {
            Assert.Equal(["id", "name", "prefix", "createdAt", "lastUsedAt"], item!.AsObject().Select(p => p.Key));
            Assert.Null(item["key"]);
            Assert.Null(item["lastUsedAt"]);
        }
        var listed = items.Single(i => Str(i!["id"]) == Str(json["id"]))!;
        Assert.Equal("production agent", Str(listed["name"]));
        Assert.Equal(prefix, Str(listed["prefix"]));
        Assert.Equal(Str(json["createdAt"]), Str(listed["createdAt"]));

        var paged = await SendAsync(HttpMethod.Get, $"/traffic-source/{sourceId}/ingest-keys?page=2&pageLimit=1", token: owner.Token);
        AssertStatus(HttpStatusCode.OK, paged);
        Assert.Single(paged.Json["data"]!.AsArray());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"page":2,"pageLimit":1,"totalItems":2}"""), paged.Json["meta"]), paged.Body);
    }

    [Fact]
    public async Task LastUsedAt_is_null_until_the_key_is_used_then_set()
    {
        var t = await TenantAsync();
        async Task<JsonNode> Listed() =>
            (await SendAsync(HttpMethod.Get, $"/traffic-source/{t.SourceId}/ingest-keys", token: t.Owner.Token)).Json["data"]!.AsArray()
            .Single(k => Str(k!["id"]) == t.KeyId)!;

        Assert.Null((await Listed())["lastUsedAt"]);
        Assert.True((await Listed()).AsObject().ContainsKey("lastUsedAt"), "lastUsedAt must be present as null, not omitted");

        AssertStatus(HttpStatusCode.Created, await PostAsync("/request", new JsonObject { ["headers"] = new JsonObject(), ["queryParams"] = new JsonObject() }, t.Key));

        var used = (await Listed())["lastUsedAt"];
        Assert.NotNull(used);
        Assert.Matches(@"^\d{2}/\d{2}/\d{4} at \d{2}:\d{2}:\d{2}$", Str(used));
    }

    [Fact]
    public async Task The_database_holds_only_a_hash_of_the_key()
    {
        var t = await TenantAsync();
        var secretPart = t.Key["ak_".Length..];

        Assert.Equal(1, await ScalarAsync<int>($"SELECT COUNT(*) FROM ingest_keys WHERE id = '{t.KeyId}'"));
        Assert.Equal(0, await ScalarAsync<int>(
            $"SELECT COUNT(*) FROM ingest_keys WHERE id = '{t.Key}' OR traffic_source_id = '{t.Key}' OR name = '{t.Key}' " +
            $"OR prefix = '{t.Key}' OR key_hash = '{t.Key}' OR key_hash = '{secretPart}'"));
        var wholeRow = await ScalarAsync<string>(
            $"SELECT id || '|' || traffic_source_id || '|' || name || '|' || prefix || '|' || key_hash || '|' || created_at || '|' || COALESCE(last_used_at, 0) " +
            $"FROM ingest_keys WHERE id = '{t.KeyId}'");
        Assert.DoesNotContain(secretPart, wholeRow);
        Assert.DoesNotContain(t.Key, wholeRow);
    }

    [Fact]
    public async Task A_revoked_key_is_401_at_once_and_an_unknown_one_too()
    {
        var t = await TenantAsync();
        var request = new JsonObject { ["headers"] = new JsonObject(), ["queryParams"] = new JsonObject() };
        AssertStatus(HttpStatusCode.Created, await PostAsync("/request", request.DeepClone(), t.Key));

        var deleted = await SendAsync(HttpMethod.Delete, $"/ingest-key/{t.KeyId}", token: t.Owner.Token);

        AssertStatus(HttpStatusCode.NoContent, deleted);
        Assert.Equal("", deleted.Body);
        AssertProblem(await PostAsync("/request", request.DeepClone(), t.Key), HttpStatusCode.Unauthorized);
        AssertProblem(await PostRecordAsync(t, Record()), HttpStatusCode.Unauthorized);
        Assert.Equal(0, await ScalarAsync<int>($"SELECT COUNT(*) FROM ingest_keys WHERE id = '{t.KeyId}'"));
        var list = await SendAsync(HttpMethod.Get, $"/traffic-source/{t.SourceId}/ingest-keys", token: t.Owner.Token);
        Assert.Equal(0, list.Json["meta"]!["totalItems"]!.GetValue<int>());
        AssertProblem(await SendAsync(HttpMethod.Delete, $"/ingest-key/{t.KeyId}", token: t.Owner.Token), HttpStatusCode.NotFound);

        var unknown = "ak_" + Convert.ToBase64String(Guid.NewGuid().ToByteArray().Concat(Guid.NewGuid().ToByteArray()).ToArray()).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        AssertProblem(await PostAsync("/request", request.DeepClone(), unknown), HttpStatusCode.Unauthorized);
        AssertProblem(await PostAsync("/request", request.DeepClone(), "ak_"), HttpStatusCode.Unauthorized);
        AssertProblem(await PostRecordAsync(t, Record(), token: unknown), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Deleting_the_source_revokes_its_keys()
    {
        var t = await TenantAsync();
        AssertStatus(HttpStatusCode.NoContent, await SendAsync(HttpMethod.Delete, $"/traffic-source/{t.SourceId}", token: t.Owner.Token));

        AssertProblem(await PostAsync("/request", new JsonObject { ["headers"] = new JsonObject(), ["queryParams"] = new JsonObject() }, t.Key),
            HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Key_routes_check_input_owner_and_existence()
    {
        var t = await TenantAsync();
        var stranger = await StrangerAsync();

        AssertProblem(await PostAsync($"/traffic-source/{t.SourceId}/ingest-keys", new JsonObject { ["name"] = "" }, t.Owner.Token), HttpStatusCode.BadRequest, "name");
        AssertProblem(await PostAsync($"/traffic-source/{t.SourceId}/ingest-keys", new JsonObject(), t.Owner.Token), HttpStatusCode.BadRequest, "name");
        AssertProblem(await PostAsync($"/traffic-source/{t.SourceId}/ingest-keys", new JsonObject { ["name"] = new string('n', 101) }, t.Owner.Token), HttpStatusCode.BadRequest, "name");
        AssertProblem(await PostAsync($"/traffic-source/{t.SourceId}/ingest-keys", new JsonObject { ["name"] = 5 }, t.Owner.Token), HttpStatusCode.BadRequest, "name");
        AssertProblem(await PostAsync("/traffic-source/not-a-uuid/ingest-keys", new JsonObject { ["name"] = "x" }, t.Owner.Token), HttpStatusCode.BadRequest, "trafficSourceId");
        AssertProblem(await PostAsync($"/traffic-source/{NewId()}/ingest-keys", new JsonObject { ["name"] = "x" }, t.Owner.Token), HttpStatusCode.NotFound);
        AssertProblem(await PostAsync($"/traffic-source/{t.SourceId}/ingest-keys", new JsonObject { ["name"] = "x" }, stranger.Token), HttpStatusCode.Forbidden);
        AssertProblem(await PostAsync($"/traffic-source/{t.SourceId}/ingest-keys", new JsonObject { ["name"] = "x" }, null), HttpStatusCode.BadRequest);

        AssertProblem(await SendAsync(HttpMethod.Get, $"/traffic-source/{t.SourceId}/ingest-keys", token: stranger.Token), HttpStatusCode.Forbidden);
        AssertProblem(await SendAsync(HttpMethod.Get, $"/traffic-source/{NewId()}/ingest-keys", token: t.Owner.Token), HttpStatusCode.NotFound);
        AssertProblem(await SendAsync(HttpMethod.Get, $"/traffic-source/{t.SourceId}/ingest-keys?pageLimit=101", token: t.Owner.Token), HttpStatusCode.BadRequest, "pageLimit");

        AssertProblem(await SendAsync(HttpMethod.Delete, $"/ingest-key/{t.KeyId}", token: stranger.Token), HttpStatusCode.Forbidden);
        AssertProblem(await SendAsync(HttpMethod.Delete, $"/ingest-key/{NewId()}", token: t.Owner.Token), HttpStatusCode.NotFound);
        AssertProblem(await SendAsync(HttpMethod.Delete, "/ingest-key/not-a-uuid", token: t.Owner.Token), HttpStatusCode.BadRequest, "ingestKeyId");

        Assert.Equal(1, await ScalarAsync<int>($"SELECT COUNT(*) FROM ingest_keys WHERE traffic_source_id = '{t.SourceId}'"));
        AssertStatus(HttpStatusCode.Created, await PostAsync("/request", new JsonObject { ["headers"] = new JsonObject(), ["queryParams"] = new JsonObject() }, t.Key));
    }

    [Fact]
    public async Task A_key_may_call_every_write_route_of_its_own_source()
    {
        var t = await TenantAsync();

        var domain = await PostAsync($"/domain/{t.SourceId}", new JsonObject { ["value"] = "api.example.com", ["protocol"] = "HTTPS" }, t.Key);
        AssertStatus(HttpStatusCode.Created, domain);
        var domainId = Str(domain.Json["id"]);
        var pathname = await PostAsync($"/pathname/{t.SourceId}/{domainId}", new JsonObject { ["value"] = "/users" }, t.Key);
        AssertStatus(HttpStatusCode.Created, pathname);
        var request = await PostAsync("/request", new JsonObject { ["headers"] = new JsonObject(), ["body"] = null, ["queryParams"] = new JsonObject() }, t.Key);
        AssertStatus(HttpStatusCode.Created, request);
        var response = await PostAsync("/response", new JsonObject { ["headers"] = new JsonObject(), ["body"] = null }, t.Key);
        AssertStatus(HttpStatusCode.Created, response);
        var traffic = await PostAsync($"/http-traffic/{t.SourceId}", new JsonObject
        {
            ["status"] = 200, ["method"] = "GET", ["elapsedTime"] = 3, ["trafficUserId"] = null,
            ["domainId"] = domainId, ["pathnameId"] = Str(pathname.Json["id"]),
            ["requestId"] = Str(request.Json["id"]), ["responseId"] = Str(response.Json["id"]),
        }, t.Key);
        AssertStatus(HttpStatusCode.Created, traffic);
        Assert.Equal(HttpTrafficFields, traffic.Json.AsObject().Select(p => p.Key));
        AssertStatus(HttpStatusCode.Created, await PostRecordAsync(t, Record()));
        // The source id in the path may be written in upper case, like every id.
        AssertStatus(HttpStatusCode.Created, await PostAsync($"/http-traffic-record/{t.SourceId.ToUpperInvariant()}", Record(), t.Key));
        var batch = await PostBatchAsync(t, [Record()]);
        AssertStatus((HttpStatusCode)207, batch);

        Assert.Equal(new Footprint(1, 2, 4, 4, 4), await FootprintAsync(t));
        Assert.Equal(t.KeyId, await ScalarAsync<string>($"SELECT ingest_key_id FROM requests WHERE id = '{Str(request.Json["id"])}'"));
    }

    [Fact]
    public async Task A_key_gets_403_on_every_other_route_and_changes_nothing()
    {
        var t = await TenantAsync();
        var stored = await PostRecordAsync(t, Record());
        AssertStatus(HttpStatusCode.Created, stored);
        var domainId = Str(stored.Json["domainId"]);
        var pathnameId = Str(stored.Json["pathnameId"]);
        var trafficId = Str(stored.Json["id"]);
        var before = await FootprintAsync(t);

        (HttpMethod Method, string Path, JsonNode? Body)[] forbidden =
        [
            (HttpMethod.Get, "/user/me", null),
            (HttpMethod.Put, $"/user/{t.Owner.Id}", new JsonObject { ["name"] = "Hijacked" }),
            (HttpMethod.Get, "/traffic-source", null),
            (HttpMethod.Post, "/traffic-source", new JsonObject { ["name"] = "Other", ["trafficDomain"] = "other.example.com" }),
            (HttpMethod.Put, $"/traffic-source/{t.SourceId}", new JsonObject { ["name"] = "Renamed" }),
            (HttpMethod.Delete, $"/traffic-source/{t.SourceId}", null),
            (HttpMethod.Get, $"/domain/{t.SourceId}", null),
            (HttpMethod.Delete, $"/domain/{domainId}", null),
            (HttpMethod.Get, $"/pathname/{t.SourceId}/{domainId}", null),
            (HttpMethod.Delete, $"/pathname/{pathnameId}", null),
            (HttpMethod.Get, $"/http-traffic/{t.SourceId}", null),
            (HttpMethod.Delete, $"/http-traffic/{trafficId}", null),
            (HttpMethod.Post, $"/traffic-source/{t.SourceId}/ingest-keys", new JsonObject { ["name"] = "escalated" }),
            (HttpMethod.Get, $"/traffic-source/{t.SourceId}/ingest-keys", null),
            (HttpMethod.Delete, $"/ingest-key/{t.KeyId}", null),
        ];
        foreach (var (method, path, body) in forbidden)
        {
            var reply = await SendRawAsync(method, path, body?.ToJsonString(), t.Key);
            Assert.True(reply.Status == HttpStatusCode.Forbidden, $"{method} {path} with a key: expected 403, got {(int)reply.Status}: {reply.Body}");
            AssertProblem(reply, HttpStatusCode.Forbidden);
        }

        Assert.Equal(before, await FootprintAsync(t));
        Assert.Equal(1, await ScalarAsync<int>($"SELECT COUNT(*) FROM ingest_keys WHERE traffic_source_id = '{t.SourceId}'"));
        Assert.Equal(1, await ScalarAsync<int>($"SELECT COUNT(*) FROM traffic_sources WHERE id = '{t.SourceId}' AND name = 'Shop'"));
        Assert.Equal(0, await ScalarAsync<int>($"SELECT COUNT(*) FROM traffic_sources WHERE user_id = '{t.Owner.Id}' AND traffic_domain = 'other.example.com'"));
        var me = await SendAsync(HttpMethod.Get, "/user/me", token: t.Owner.Token);
        Assert.Equal("Ingest Owner", Str(me.Json["name"]));
        var sources = await SendAsync(HttpMethod.Get, "/traffic-source?pageLimit=100", token: t.Owner.Token);
        Assert.Contains(sources.Json["data"]!.AsArray(), s => Str(s!["id"]) == t.SourceId);
    }

    [Fact]
    public async Task A_key_gets_403_on_the_write_routes_of_another_source_even_of_the_same_user()
    {
        var t = await TenantAsync();
        var sibling = await CreateSourceAsync(t.Owner);
        var siblingDomain = await PostAsync($"/domain/{sibling}", new JsonObject { ["value"] = "api.example.com", ["protocol"] = "HTTPS" }, t.Owner.Token);
        AssertStatus(HttpStatusCode.Created, siblingDomain);
        var domainId = Str(siblingDomain.Json["id"]);
        var pathname = await PostAsync($"/pathname/{sibling}/{domainId}", new JsonObject { ["value"] = "/users" }, t.Owner.Token);
        AssertStatus(HttpStatusCode.Created, pathname);
        var request = await PostAsync("/request", new JsonObject { ["headers"] = new JsonObject(), ["queryParams"] = new JsonObject() }, t.Key);
        var response = await PostAsync("/response", new JsonObject { ["headers"] = new JsonObject() }, t.Key);
        var stranger = await TenantAsync(owner: await StrangerAsync());

        foreach (var target in new[] { sibling, stranger.SourceId })
        {
            (string Path, JsonNode Body)[] writes =
            [
                ($"/domain/{target}", new JsonObject { ["value"] = "evil.example.com", ["protocol"] = "HTTPS" }),
                ($"/pathname/{target}/{domainId}", new JsonObject { ["value"] = "/evil" }),
                ($"/http-traffic/{target}", new JsonObject
                {
                    ["status"] = 200, ["method"] = "GET", ["elapsedTime"] = 1, ["domainId"] = domainId, ["pathnameId"] = Str(pathname.Json["id"]),
                    ["requestId"] = Str(request.Json["id"]), ["responseId"] = Str(response.Json["id"]),
                }),
                ($"/http-traffic-record/{target}", Record(domainUrl: "https://evil.example.com")),
                ($"/http-traffic-record/{target}/batch", new JsonObject { ["records"] = new JsonArray(Record(domainUrl: "https://evil.example.com")) }),
            ];
            foreach (var (path, body) in writes)
            {
                var reply = await PostAsync(path, body, t.Key);
                Assert.True(reply.Status == HttpStatusCode.Forbidden, $"POST {path} with another source's key: expected 403, got {(int)reply.Status}: {reply.Body}");
                AssertProblem(reply, HttpStatusCode.Forbidden);
            }
        }

        Assert.Equal(1, await ScalarAsync<int>($"SELECT COUNT(*) FROM domains WHERE traffic_source_id = '{sibling}'"));
        Assert.Equal(1, await ScalarAsync<int>($"SELECT COUNT(*) FROM pathnames WHERE traffic_source_id = '{sibling}'"));
        Assert.Equal(0, await ScalarAsync<int>($"SELECT COUNT(*) FROM http_traffic WHERE traffic_source_id = '{sibling}'"));
        Assert.Equal(new Footprint(0, 0, 0, 0, 0), await FootprintAsync(stranger));
        Assert.Equal(0, await ScalarAsync<int>("SELECT COUNT(*) FROM domains WHERE value = 'evil.example.com'"));
    }

    [Fact]
    public async Task Requests_and_responses_made_with_a_key_belong_to_the_key_not_to_the_user_token()
    {
        var t = await TenantAsync();
        var domain = await PostAsync($"/domain/{t.SourceId}", new JsonObject { ["value"] = "api.example.com", ["protocol"] = "HTTPS" }, t.Owner.Token);
        var domainId = Str(domain.Json["id"]);
        var pathnameId = Str((await PostAsync($"/pathname/{t.SourceId}/{domainId}", new JsonObject { ["value"] = "/users" }, t.Owner.Token)).Json["id"]);

        async Task<(string Request, string Response)> HalvesAsync(string token)
        {
            var request = await PostAsync("/request", new JsonObject { ["headers"] = new JsonObject(), ["body"] = null, ["queryParams"] = new JsonObject() }, token);
            var response = await PostAsync("/response", new JsonObject { ["headers"] = new JsonObject(), ["body"] = null }, token);
            AssertStatus(HttpStatusCode.Created, request);
            AssertStatus(HttpStatusCode.Created, response);
            return (Str(request.Json["id"]), Str(response.Json["id"]));
        }
        JsonObject Traffic(string requestId, string responseId) => new()
        {
            ["status"] = 201, ["method"] = "POST", ["elapsedTime"] = 150, ["trafficUserId"] = "user-456",
            ["domainId"] = domainId, ["pathnameId"] = pathnameId, ["requestId"] = requestId, ["responseId"] = responseId,
        };

        var byKey = await HalvesAsync(t.Key);
        var byUser = await HalvesAsync(t.Owner.Token);

        AssertProblem(await PostAsync($"/http-traffic/{t.SourceId}", Traffic(byKey.Request, byKey.Response), t.Owner.Token), HttpStatusCode.NotFound, "requestId");
        AssertProblem(await PostAsync($"/http-traffic/{t.SourceId}", Traffic(byUser.Request, byKey.Response), t.Owner.Token), HttpStatusCode.NotFound, "responseId");
        AssertProblem(await PostAsync($"/http-traffic/{t.SourceId}", Traffic(byUser.Request, byUser.Response), t.Key), HttpStatusCode.NotFound, "requestId");
        AssertProblem(await PostAsync($"/http-traffic/{t.SourceId}", Traffic(byKey.Request, byUser.Response), t.Key), HttpStatusCode.NotFound, "responseId");
        Assert.Equal(0, (await FootprintAsync(t)).Traffic);

        var otherKey = Str((await CreateKeyAsync(t.Owner, t.SourceId, "second agent"))["key"]);
        AssertProblem(await PostAsync($"/http-traffic/{t.SourceId}", Traffic(byKey.Request, byKey.Response), otherKey), HttpStatusCode.NotFound, "requestId");

        AssertStatus(HttpStatusCode.Created, await PostAsync($"/http-traffic/{t.SourceId}", Traffic(byKey.Request, byKey.Response), t.Key));
        AssertStatus(HttpStatusCode.Created, await PostAsync($"/http-traffic/{t.SourceId}", Traffic(byUser.Request, byUser.Response), t.Owner.Token));
        Assert.Equal(2, (await FootprintAsync(t)).Traffic);
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
        var t = await TenantAsync(limited, client);
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

public sealed class IngestKeyTestsOnSqlite(SqliteApp app) : IngestKeyTests(app), IClassFixture<SqliteApp>;

public sealed class IngestKeyTestsOnPostgres(PostgresApp app) : IngestKeyTests(app), IClassFixture<PostgresApp>;
