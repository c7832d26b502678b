using Arkyn.Tests.Infrastructure;

namespace Arkyn.Tests.Ingest;

/// <summary>
/// Secrets never reach the database: sensitive headers, and body fields and query parameters with sensitive names at
/// any depth (case, '_' and '-' ignored), become "[REDACTED]" before anything is stored, on every route that stores them.
/// Every secret value below contains <see cref="Marker"/>, so one search of the stored text finds any that got through.
/// </summary>
public abstract class RedactionTests(ArkynApp app) : IngestTest(app)
{
    const string Marker = "S3CR3T";
    const string Redacted = "[REDACTED]";

    static JsonObject SecretRequestHeaders() => new()
    {
        ["Authorization"] = $"Bearer {Marker}-authorization",
        ["COOKIE"] = $"sid={Marker}-cookie",
        ["x-api-key"] = $"{Marker}-x-api-key",
        ["Proxy-Authorization"] = $"Basic {Marker}-proxy",
        ["Accept"] = "application/json",
    };

    static JsonObject SecretResponseHeaders() => new()
    {
        ["set-cookie"] = new JsonArray($"sid={Marker}-set-cookie; HttpOnly", $"theme={Marker}-second-cookie"),
        ["Content-Type"] = "application/json",
    };

    static JsonObject SecretQueryParams() => new()
    {
        ["api_key"] = $"{Marker}-api_key",
        ["Token"] = new JsonArray($"{Marker}-token-1", $"{Marker}-token-2"),
        ["q"] = "shoes",
        ["filter"] = new JsonObject { ["SSN"] = $"{Marker}-ssn", ["page"] = "2" },
    };

    static JsonObject SecretRequestBody() => new()
    {
        ["user"] = new JsonObject
        {
            ["Password"] = $"{Marker}-password",
            ["name"] = "Ada",
            ["profile"] = new JsonArray(new JsonObject { ["credit_card"] = $"4111 {Marker}", ["nick"] = "ada" }),
        },
        ["passwd"] = $"{Marker}-passwd",
        ["client"] = new JsonObject { ["SECRET"] = new JsonObject { ["nested"] = $"{Marker}-whole-object" } },
        ["API-KEY"] = $"{Marker}-API-KEY",
        ["apiKey"] = $"{Marker}-apiKey",
        ["authorization"] = $"{Marker}-authorization-field",
        ["Cookie"] = $"{Marker}-cookie-field",
        ["card_number"] = $"{Marker}-card_number",
        ["Cvv"] = 123_456,
        ["items"] = new JsonArray(new JsonArray(new JsonObject { ["token"] = $"{Marker}-deep-token", ["sku"] = "A-1" })),
        ["note"] = "kept",
    };

    static JsonArray SecretResponseBody() =>
    [
        new JsonObject { ["access"] = new JsonObject { ["TOKEN"] = $"{Marker}-response-token" }, ["id"] = 1 },
        new JsonObject { ["creditCard"] = $"{Marker}-credit-card", ["cardNumber"] = $"{Marker}-cardNumber", ["ssn"] = null, ["id"] = 2 },
    ];

    static void AssertRequestHeaders(JsonNode? headers) => Assert.True(JsonNode.DeepEquals(new JsonObject
    {
        ["Authorization"] = Redacted, ["COOKIE"] = Redacted, ["x-api-key"] = Redacted, ["Proxy-Authorization"] = Redacted, ["Accept"] = "application/json",
    }, headers), headers?.ToJsonString());

    static void AssertResponseHeaders(JsonNode? headers) => Assert.True(JsonNode.DeepEquals(new JsonObject
    {
        ["set-cookie"] = Redacted, ["Content-Type"] = "application/json",
    }, headers), headers?.ToJsonString());

    static void AssertQueryParams(JsonNode? query) => Assert.True(JsonNode.DeepEquals(new JsonObject
    {
        ["api_key"] = Redacted, ["Token"] = Redacted, ["q"] = "shoes", ["filter"] = new JsonObject { ["SSN"] = Redacted, ["page"] = "2" },
    }, query), query?.ToJsonString());

    static void AssertRequestBody(JsonNode? body) => Assert.True(JsonNode.DeepEquals(new JsonObject
    {
        ["user"] = new JsonObject
        {
            ["Password"] = Redacted,
            ["name"] = "Ada",
            ["profile"] = new JsonArray(new JsonObject { ["credit_card"] = Redacted, ["nick"] = "ada" }),
        },
        ["passwd"] = Redacted,
        ["client"] = new JsonObject { ["SECRET"] = Redacted },
        ["API-KEY"] = Redacted,
        ["apiKey"] = Redacted,
        ["authorization"] = Redacted,
        ["Cookie"] = Redacted,
        ["card_number"] = Redacted,
        ["Cvv"] = Redacted,
        ["items"] = new JsonArray(new JsonArray(new JsonObject { ["token"] = Redacted, ["sku"] = "A-1" })),
        ["note"] = "kept",
    }, body), body?.ToJsonString());

    static void AssertResponseBody(JsonNode? body) => Assert.True(JsonNode.DeepEquals(new JsonArray
    {
        new JsonObject { ["access"] = new JsonObject { ["TOKEN"] = Redacted }, ["id"] = 1 },
        new JsonObject { ["creditCard"] = Redacted, ["cardNumber"] = Redacted, ["ssn"] = Redacted, ["id"] = 2 },
    }, body), body?.ToJsonString());

    /// <summary>Everything stored for a request row, as the database holds it.</summary>
    Task<string> StoredRequestAsync(string id) =>
        ScalarAsync<string>($"SELECT headers || '|' || COALESCE(body, '') || '|' || query_params FROM requests WHERE id = '{id}'");

    Task<string> StoredResponseAsync(string id) =>
        ScalarAsync<string>($"SELECT headers || '|' || COALESCE(body, '') FROM responses WHERE id = '{id}'");

    async Task AssertNothingSecretStoredAsync(string requestId, string responseId)
    {
        var request = await StoredRequestAsync(requestId);
        var response = await StoredResponseAsync(responseId);
        Assert.Contains(Redacted, request);
        Assert.Contains(Redacted, response);
        Assert.DoesNotContain(Marker, request);
        Assert.DoesNotContain(Marker, response);
    }

    JsonObject SecretRecord(string? id = null)
    {
        var record = Record(id);
        record["requestHeaders"] = SecretRequestHeaders();
        record["queryParams"] = SecretQueryParams();
        record["requestBody"] = SecretRequestBody();
        record["responseHeaders"] = SecretResponseHeaders();
        record["responseBody"] = SecretResponseBody();
        return record;
    }

    [Fact]
    public async Task A_record_is_redacted_at_any_depth_before_it_is_stored()
    {
        var t = await TenantAsync();
        var id = NewId();

        var reply = await PostRecordAsync(t, SecretRecord(id));

        AssertStatus(HttpStatusCode.Created, reply);
        Assert.DoesNotContain(Marker, reply.Body);
        var view = reply.Json;
        AssertRequestHeaders(view["request"]!["headers"]);
        AssertQueryParams(view["request"]!["queryParams"]);
        AssertRequestBody(view["request"]!["body"]);
        AssertResponseHeaders(view["response"]!["headers"]);
        AssertResponseBody(view["response"]!["body"]);
        Assert.False(view["request"]!["bodyTruncated"]!.GetValue<bool>());

        var requestBody = await ScalarAsync<string>($"SELECT body FROM requests WHERE id = '{Str(view["requestId"])}'");
        Assert.Contains("\"Password\":\"[REDACTED]\"", requestBody);
        Assert.DoesNotContain(Marker, requestBody);
        await AssertNothingSecretStoredAsync(Str(view["requestId"]), Str(view["responseId"]));

        var again = await PostRecordAsync(t, SecretRecord(id));
        AssertStatus(HttpStatusCode.OK, again);
        Assert.True(JsonNode.DeepEquals(view, again.Json), again.Body);
    }

    [Fact]
    public async Task Batched_records_are_redacted_too()
    {
        var t = await TenantAsync();
        var ids = new[] { NewId(), NewId() };

        var reply = await PostBatchAsync(t, [SecretRecord(ids[0]), SecretRecord(ids[1])]);

        Assert.True((int)reply.Status == 207, reply.Body);
        Assert.Equal(2, reply.Json["successes"]!.AsArray().Count);
        foreach (var id in ids)
        {
            var requestId = await ScalarAsync<string>($"SELECT request_id FROM http_traffic WHERE id = '{id}'");
            var responseId = await ScalarAsync<string>($"SELECT response_id FROM http_traffic WHERE id = '{id}'");
            await AssertNothingSecretStoredAsync(requestId, responseId);
            var stored = (await PostRecordAsync(t, Record(id))).Json;
            AssertRequestBody(stored["request"]!["body"]);
            AssertQueryParams(stored["request"]!["queryParams"]);
            AssertRequestHeaders(stored["request"]!["headers"]);
            AssertResponseHeaders(stored["response"]!["headers"]);
            AssertResponseBody(stored["response"]!["body"]);
        }
    }

    [Fact]
    public async Task Requests_and_responses_posted_alone_are_redacted_with_a_key_or_a_user_token()
    {
        var t = await TenantAsync();
        foreach (var token in new[] { t.Key, t.Owner.Token })
        {
            var request = await PostAsync("/request",
                new JsonObject { ["headers"] = SecretRequestHeaders(), ["body"] = SecretRequestBody(), ["queryParams"] = SecretQueryParams() }, token);
            var response = await PostAsync("/response",
                new JsonObject { ["headers"] = SecretResponseHeaders(), ["body"] = SecretResponseBody() }, token);

            AssertStatus(HttpStatusCode.Created, request);
            AssertStatus(HttpStatusCode.Created, response);
            Assert.DoesNotContain(Marker, request.Body);
            Assert.DoesNotContain(Marker, response.Body);
            AssertRequestHeaders(request.Json["headers"]);
            AssertRequestBody(request.Json["body"]);
            AssertQueryParams(request.Json["queryParams"]);
            AssertResponseHeaders(response.Json["headers"]);
            AssertResponseBody(response.Json["body"]);
            await AssertNothingSecretStoredAsync(Str(request.Json["id"]), Str(response.Json["id"]));
        }
    }

    [Fact]
    public async Task Only_names_count_and_are_compared_without_case_dashes_or_underscores()
    {
        var t = await TenantAsync();
        var record = Record();
        record["responseBody"] = new JsonArray("password", "token", 42, true, null);
        record["queryParams"] = new JsonObject { ["password_reset"] = "yes", ["pass-word"] = $"{Marker}-dashes", ["PASS_WD"] = $"{Marker}-underscores" };

        var reply = await PostRecordAsync(t, record);

        AssertStatus(HttpStatusCode.Created, reply);
        Assert.True(JsonNode.DeepEquals(new JsonArray("password", "token", 42, true, null), reply.Json["response"]!["body"]));
        Assert.True(JsonNode.DeepEquals(new JsonObject { ["password_reset"] = "yes", ["pass-word"] = Redacted, ["PASS_WD"] = Redacted },
            reply.Json["request"]!["queryParams"]), reply.Json["request"]!["queryParams"]!.ToJsonString());
    }

    [Fact]
    public async Task A_body_cut_at_the_cap_is_redacted_before_it_is_cut()
    {
        var t = await TenantAsync();
        var record = Record();
        record["requestBody"] = new JsonObject { ["password"] = $"{Marker}-before-the-cut", ["padding"] = new string('p', 70_000) };

        var reply = await PostRecordAsync(t, record);

        AssertStatus(HttpStatusCode.Created, reply);
        Assert.True(reply.Json["request"]!["bodyTruncated"]!.GetValue<bool>());
        Assert.StartsWith("{\"password\":\"[REDACTED]\",\"padding\":\"ppp", Str(reply.Json["request"]!["body"]));
        Assert.DoesNotContain(Marker, await StoredRequestAsync(Str(reply.Json["requestId"])));
    }

    [Fact]
    public async Task Repeated_field_names_are_all_redacted_and_never_a_500()
    {
        var t = await TenantAsync();
        var json = Record().ToJsonString().Replace("\"requestBody\":null",
            $$"""
            "requestBody":{"password":"{{Marker}}-first","password":"{{Marker}}-second","name":"Ada"}
            """.Trim());
        Assert.Contains(Marker, json);

        var reply = await SendRawAsync(HttpMethod.Post, $"/http-traffic-record/{t.SourceId}", json, t.Key);

        Assert.True(reply.Status is HttpStatusCode.Created or HttpStatusCode.BadRequest, $"expected 201 or 400, got {(int)reply.Status}: {reply.Body}");
        Assert.DoesNotContain(Marker, reply.Body);
        Assert.Equal(0, await ScalarAsync<int>($"SELECT COUNT(*) FROM requests WHERE ingest_key_id = '{t.KeyId}' AND body LIKE '%{Marker}%'"));
    }

    [Fact]
    public async Task A_record_with_repeated_header_names_does_not_sink_its_batch()
    {
        var t = await TenantAsync();
        var good = NewId();
        var repeated = Record(NewId()).ToJsonString().Replace("\"requestHeaders\":{\"accept\":\"application/json\"}",
            $"\"requestHeaders\":{{\"Authorization\":\"Bearer {Marker}-1\",\"Authorization\":\"Bearer {Marker}-2\"}}");
        Assert.Contains(Marker, repeated);
        var json = $"{{\"records\":[{Record(good).ToJsonString()},{repeated}]}}";

        var reply = await SendRawAsync(HttpMethod.Post, $"/http-traffic-record/{t.SourceId}/batch", json, t.Key);

        Assert.True((int)reply.Status == 207, $"expected 207, got {(int)reply.Status}: {reply.Body}");
        Assert.Contains(reply.Json["successes"]!.AsArray(), s => s!["index"]!.GetValue<int>() == 0 && s["status"]!.GetValue<int>() == 201);
        Assert.DoesNotContain(Marker, reply.Body);
        Assert.Equal(1, await ScalarAsync<int>($"SELECT COUNT(*) FROM http_traffic WHERE id = '{good}'"));
        Assert.Equal(0, await ScalarAsync<int>($"SELECT COUNT(*) FROM requests WHERE ingest_key_id = '{t.KeyId}' AND headers LIKE '%{Marker}%'"));
    }

    [Fact]
    public async Task Names_written_with_json_escapes_are_redacted_like_plain_ones()
    {
        var t = await SharedTenantAsync();
        var json = Record().ToJsonString()
            .Replace("\"requestHeaders\":{\"accept\":\"application/json\"}", $$"""
                "requestHeaders":{"\u0043ookie":"{{Marker}}-escaped-header","Accept":"text/html"}
                """.Trim())
            .Replace("\"requestBody\":null", $$"""
                "requestBody":{"\u0050assword":"{{Marker}}-escaped-field","Authori\u007Aation":"{{Marker}}-escaped-middle","café":"crème 😀"}
                """.Trim());
        Assert.Contains("\\u0043ookie", json);

        var reply = await SendRawAsync(HttpMethod.Post, $"/http-traffic-record/{t.SourceId}", json, t.Key);

        AssertStatus(HttpStatusCode.Created, reply);
        Assert.DoesNotContain(Marker, reply.Body);
        var request = reply.Json["request"]!;
        Assert.True(JsonNode.DeepEquals(new JsonObject { ["Cookie"] = Redacted, ["Accept"] = "text/html" }, request["headers"]), request["headers"]!.ToJsonString());
        Assert.True(JsonNode.DeepEquals(new JsonObject { ["Password"] = Redacted, ["Authorization"] = Redacted, ["café"] = "crème 😀" }, request["body"]),
            request["body"]!.ToJsonString());
        Assert.DoesNotContain(Marker, await StoredRequestAsync(Str(reply.Json["requestId"])));
    }

    [Fact]
    public async Task Names_ending_in_a_sensitive_word_are_redacted_and_others_kept()
    {
        var tenant = await SharedTenantAsync();
        var record = Record();
        record["requestHeaders"] = new JsonObject { ["X-Auth-Token"] = $"{Marker}-header", ["X-Token-Count"] = "3" };
        record["queryParams"] = new JsonObject { ["access_token"] = $"{Marker}-query", ["tokenizer"] = "kept" };
        record["requestBody"] = new JsonObject { ["client_secret"] = $"{Marker}-body", ["userPassword"] = $"{Marker}-pw", ["secretary"] = "kept" };

        var reply = await PostRecordAsync(tenant, record, tenant.Key);

        AssertStatus(HttpStatusCode.Created, reply);
        Assert.DoesNotContain(Marker, reply.Body);
        var request = reply.Json["request"]!;
        Assert.Equal(Redacted, Str(request["headers"]!["X-Auth-Token"]));
        Assert.Equal("3", Str(request["headers"]!["X-Token-Count"]));
        Assert.Equal("kept", Str(request["queryParams"]!["tokenizer"]));
        Assert.Equal("kept", Str(request["body"]!["secretary"]));
        Assert.Equal(Redacted, Str(request["body"]!["userPassword"]));
    }

    [Fact]
    public async Task Short_and_session_names_credential_values_and_padded_header_names_are_redacted()
    {
        var t = await TenantAsync();
        var record = Record();
        record["requestHeaders"] = new JsonObject
        {
            ["X-Upstream"] = $"Bearer {Marker}-bearer", ["X-Forward"] = $"basic {Marker}-basic", ["Authorization  "] = $"{Marker}-padded",
            ["X-Many"] = new JsonArray("plain", $"Bearer {Marker}-in-array"), ["X-Note"] = "Bearer", ["Accept"] = "application/json",
        };
        record["requestBody"] = new JsonObject
        {
            ["pass"] = $"{Marker}-pass", ["pwd"] = $"{Marker}-pwd", ["secret_key"] = $"{Marker}-secret_key", ["sessionId"] = $"{Marker}-sessionId",
            ["private key"] = $"{Marker}-private-key", ["name"] = "Ada",
        };

        var reply = await PostRecordAsync(t, record);

        AssertStatus(HttpStatusCode.Created, reply);
        Assert.DoesNotContain(Marker, reply.Body);
        var request = reply.Json["request"]!;
        Assert.True(JsonNode.DeepEquals(new JsonObject
        {
            ["X-Upstream"] = Redacted, ["X-Forward"] = Redacted, ["Authorization  "] = Redacted, ["X-Many"] = Redacted,
            ["X-Note"] = "Bearer", ["Accept"] = "application/json",
        }, request["headers"]), request["headers"]!.ToJsonString());
        Assert.Equal("Ada", Str(request["body"]!["name"]));
        Assert.DoesNotContain(Marker, await StoredRequestAsync(Str(reply.Json["requestId"])));
    }

    [Fact]
    public async Task Credential_schemes_are_configurable()
    {
        await using var custom = new ArkynApp(App.Engine, new Dictionary<string, string?> { ["Ingest:RedactValueSchemes"] = "Token, ApiKey" });
        await custom.InitializeAsync();
        using var client = custom.CreateClient();
        var t = await TenantAsync(custom, client);
        var record = Record();
        record["requestHeaders"] = new JsonObject { ["X-Gh"] = $"token {Marker}", ["X-Upstream"] = "Bearer kept-now" };

        var reply = await PostRecordAsync(t, record, client: client);

        AssertStatus(HttpStatusCode.Created, reply);
        Assert.Equal(Redacted, Str(reply.Json["request"]!["headers"]!["X-Gh"]));
        Assert.Equal("Bearer kept-now", Str(reply.Json["request"]!["headers"]!["X-Upstream"]));
    }
}

public sealed class RedactionTestsOnSqlite(SqliteApp app) : RedactionTests(app), IClassFixture<SqliteApp>;

public sealed class RedactionTestsOnPostgres(PostgresApp app) : RedactionTests(app), IClassFixture<PostgresApp>;
