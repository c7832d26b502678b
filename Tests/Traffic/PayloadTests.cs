using System.Text;
using Arkyn.Tests.Infrastructure;

namespace Arkyn.Tests.Traffic;

/// <summary>POST /request and POST /response: what is kept, what is redacted, and how large bodies are cut.</summary>
public abstract class PayloadTests(ArkynApp app) : TrafficTest(app)
{
    const string SensitiveHeaders = """
        {
          "Authorization": "Bearer s3cret-token",
          "proxy-authorization": "Basic cHJveHk6cGFzcw==",
          "COOKIE": "sid=s3cret-cookie",
          "Set-Cookie": ["a=s3cret-one", "b=s3cret-two"],
          "x-API-key": "s3cret-key",
          "X-Request-Id": "req-42",
          "Accept": "application/json",
          "X-Custom": { "nested": "kept" }
        }
        """;

    static readonly JsonNode RedactedHeaders = JsonNode.Parse("""
        {
          "Authorization": "[REDACTED]",
          "proxy-authorization": "[REDACTED]",
          "COOKIE": "[REDACTED]",
          "Set-Cookie": "[REDACTED]",
          "x-API-key": "[REDACTED]",
          "X-Request-Id": "req-42",
          "Accept": "application/json",
          "X-Custom": { "nested": "kept" }
        }
        """)!;

    [Fact]
    public async Task Sensitive_request_headers_are_redacted_in_any_case_in_the_reply_and_in_storage()
    {
        var account = await AccountAsync();
        var reply = await SendRawAsync(HttpMethod.Post, "/request", $$$"""{"headers":{{{SensitiveHeaders}}},"body":null,"queryParams":{"q":"not-a-header"}}""", account.Token);

        Assert.True(reply.Status == HttpStatusCode.Created, reply.Body);
        Assert.True(JsonNode.DeepEquals(RedactedHeaders, reply.Json["headers"]), reply.Body);
        Assert.DoesNotContain("s3cret", reply.Body);
        Assert.Equal("not-a-header", reply.Json["queryParams"]!["q"]!.GetValue<string>());
        var stored = await ScalarAsync<string>($"SELECT headers FROM requests WHERE id = '{Id(reply)}'");
        Assert.DoesNotContain("s3cret", stored);
        Assert.DoesNotContain("cHJveHk6cGFzcw", stored);
        Assert.True(JsonNode.DeepEquals(RedactedHeaders, JsonNode.Parse(stored)), stored);
    }

    [Fact]
    public async Task Sensitive_response_headers_are_redacted_in_any_case_in_the_reply_and_in_storage()
    {
        var account = await AccountAsync();
        var reply = await SendRawAsync(HttpMethod.Post, "/response", $$$"""{"headers":{{{SensitiveHeaders}}},"body":{"ok":true}}""", account.Token);

        Assert.True(reply.Status == HttpStatusCode.Created, reply.Body);
        Assert.True(JsonNode.DeepEquals(RedactedHeaders, reply.Json["headers"]), reply.Body);
        Assert.DoesNotContain("s3cret", reply.Body);
        var stored = await ScalarAsync<string>($"SELECT headers FROM responses WHERE id = '{Id(reply)}'");
        Assert.DoesNotContain("s3cret", stored);
        Assert.True(JsonNode.DeepEquals(RedactedHeaders, JsonNode.Parse(stored)), stored);
    }

    [Fact]
    public async Task Bodies_of_every_json_kind_are_kept_and_null_or_absent_is_null()
    {
        var account = await AccountAsync();
        foreach (var body in new[] { """{"a":[1,2,{"b":null}],"c":"d"}""", "[1,\"two\",3.5]", "\"plain text\"", "42", "-0.5", "true", "false", "{}", "[]", "\"héllo ✓\"" })
        {
            var request = await SendRawAsync(HttpMethod.Post, "/request", $$$"""{"headers":{},"body":{{{body}}},"queryParams":{}}""", account.Token);
            var response = await SendRawAsync(HttpMethod.Post, "/response", """{"headers":{},"body":""" + body + "}", account.Token);
            foreach (var reply in new[] { request, response })
            {
                Assert.True(reply.Status == HttpStatusCode.Created, $"{body}: {reply.Body}");
                Assert.True(JsonNode.DeepEquals(JsonNode.Parse(body), reply.Json["body"]), $"sent {body}, got {reply.Body}");
                Assert.False(reply.Json["bodyTruncated"]!.GetValue<bool>());
            }
        }
        foreach (var json in new[] { """{"headers":{},"body":null,"queryParams":{}}""", """{"headers":{},"queryParams":{}}""" })
        {
            var reply = await SendRawAsync(HttpMethod.Post, "/request", json, account.Token);
            Assert.True(reply.Status == HttpStatusCode.Created, reply.Body);
            Assert.True(reply.Json.AsObject().ContainsKey("body"), reply.Body);
            Assert.Null(reply.Json["body"]);
            Assert.False(reply.Json["bodyTruncated"]!.GetValue<bool>());
            Assert.Equal(1, await CountAsync("requests", $"id = '{Id(reply)}' AND body IS NULL"));
        }
        var noBody = await SendRawAsync(HttpMethod.Post, "/response", """{"headers":{}}""", account.Token);
        Assert.True(noBody.Status == HttpStatusCode.Created, noBody.Body);
        Assert.Null(noBody.Json["body"]);
    }

    [Fact]
    public async Task Duplicate_header_names_are_not_a_server_error()
    {
        var account = await AccountAsync();
        foreach (var (path, json) in new[]
        {
            ("/request", """{"headers":{"x-trace":"1","x-trace":"2"},"body":null,"queryParams":{}}"""),
            ("/response", """{"headers":{"Authorization":"Bearer s3cret-1","Authorization":"Bearer s3cret-2"},"body":null}"""),
        })
        {
            var reply = await SendRawAsync(HttpMethod.Post, path, json, account.Token);
            Assert.True(reply.Status is HttpStatusCode.Created or HttpStatusCode.BadRequest,
                $"POST {path} {json} answered {(int)reply.Status}: {reply.Body}");
            if (reply.Status == HttpStatusCode.BadRequest) AssertProblem(reply, HttpStatusCode.BadRequest, "headers");
            Assert.DoesNotContain("s3cret", reply.Body);
        }
    }

    // ---- bodies over Ingest:MaxBodyBytes, on a server whose cap is 16 bytes ----

    const int Cap = 16;

    async Task<(ArkynApp App, HttpClient Client)> SmallCapServerAsync()
    {
        var small = new ArkynApp(App.Engine, new Dictionary<string, string?> { ["Ingest:MaxBodyBytes"] = Cap.ToString() });
        await small.InitializeAsync();
        var client = small.CreateClient();
        var email = $"{Guid.NewGuid():N}@example.com";
        await client.PostAsync("/user", Json($$"""{"name":"Cap","email":"{{email}}","password":"12345678"}"""), Ct);
        var auth = await client.PostAsync("/user/auth", Json($$"""{"email":"{{email}}","password":"12345678"}"""), Ct);
        client.DefaultRequestHeaders.Authorization = new("Bearer", JsonNode.Parse(await auth.Content.ReadAsStringAsync(Ct))!["token"]!.GetValue<string>());
        return (small, client);
    }

    static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    /// <summary>Posts the body to /request and /response of the small server; returns both replies' JSON.</summary>
    static async Task<JsonNode[]> PostBodyAsync(HttpClient client, string body)
    {
        var replies = new List<JsonNode>();
        foreach (var (path, json) in new[] { ("/request", $$$"""{"headers":{},"body":{{{body}}},"queryParams":{}}"""), ("/response", """{"headers":{},"body":""" + body + "}") })
        {
            var reply = await client.PostAsync(path, Json(json), Ct);
            var text = await reply.Content.ReadAsStringAsync(Ct);
            Assert.True(reply.StatusCode == HttpStatusCode.Created, $"POST {path} with body {body}: {(int)reply.StatusCode} {text}");
            replies.Add(JsonNode.Parse(text)!);
        }
        return [.. replies];
    }

    [Fact]
    public async Task A_body_over_the_cap_becomes_a_string_of_its_first_bytes_and_is_flagged()
    {
        var (small, client) = await SmallCapServerAsync();
        await using var _ = small;
        using var __ = client;

        // Exactly the cap (16 bytes of JSON text) is kept as it is.
        foreach (var reply in await PostBodyAsync(client, "\"abcdefghijklmn\""))
        {
            Assert.Equal("abcdefghijklmn", reply["body"]!.GetValue<string>());
            Assert.False(reply["bodyTruncated"]!.GetValue<bool>());
        }
        // One byte more is cut to the first 16 bytes of the text.
        foreach (var (body, cut) in new[] { ("\"abcdefghijklmno\"", "\"abcdefghijklmno"), ("[1,2,3,4,5,6,7,8,9]", "[1,2,3,4,5,6,7,8"), ("""{"key":"value-long"}""", """{"key":"value-lo""") })
            foreach (var reply in await PostBodyAsync(client, body))
            {
                Assert.Equal(System.Text.Json.JsonValueKind.String, reply["body"]!.GetValueKind());
                Assert.Equal(cut, reply["body"]!.GetValue<string>());
                Assert.True(reply["bodyTruncated"]!.GetValue<bool>());
            }
    }

    [Fact]
    public async Task The_cap_counts_the_utf8_json_text_and_a_cut_never_splits_a_character()
    {
        var (small, client) = await SmallCapServerAsync();
        await using var _ = small;
        using var __ = client;
        var failures = new List<string>();

        // "ééééééé" as JSON text is 1 + 7×2 + 1 = 16 bytes of UTF-8: within the cap, kept as it is.
        foreach (var reply in await PostBodyAsync(client, "\"ééééééé\""))
            if (reply["bodyTruncated"]!.GetValue<bool>() || reply["body"]!.GetValue<string>() != "ééééééé")
                failures.Add($"the 16-byte body \"ééééééé\" was stored as {reply["body"]!.ToJsonString()} with bodyTruncated {reply["bodyTruncated"]}");

        // Over the cap: the longest prefix of the JSON text sent that has at most 16 bytes and ends on a character boundary.
        var cases = new (string Body, string Expected)[]
        {
            ("\"abcdefghijklmné\"", "\"abcdefghijklmn"), // é is bytes 15–16: cutting at 16 would split it
            ("\"ééééééééé\"", "\"ééééééé"),              // 1 + 7×2 = 15 bytes
            ("\"😀😀😀😀😀\"", "\"😀😀😀"),                // 1 + 3×4 = 13 bytes
        };
        foreach (var (body, expected) in cases)
            foreach (var reply in await PostBodyAsync(client, body))
            {
                var text = reply["body"]!.GetValue<string>();
                if (!reply["bodyTruncated"]!.GetValue<bool>() || text != expected || Encoding.UTF8.GetByteCount(text) > Cap)
                    failures.Add($"the body {body} was stored as {reply["body"]!.ToJsonString()} ({Encoding.UTF8.GetByteCount(text)} bytes), " +
                                 $"expected {System.Text.Json.JsonSerializer.Serialize(expected)} with bodyTruncated true");
            }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }
}

public sealed class PayloadTestsOnSqlite(SqliteApp app) : PayloadTests(app), IClassFixture<SqliteApp>;

public sealed class PayloadTestsOnPostgres(PostgresApp app) : PayloadTests(app), IClassFixture<PostgresApp>;
