using System.IO.Compression;
using System.Text;
using Arkyn.Tests.Infrastructure;
using Arkyn.Tests.Ingest;

namespace Arkyn.Tests.Platform;

/// <summary>
/// Every early error answer, on a real socket: after it, either the answer said Connection: close (and the server
/// closes), or the same connection answers the client's next request. Small limits keep the bodies small.
/// </summary>
public abstract class ConnectionTests(KestrelApp app) : IngestTest(app)
{
    public const int ApiLimit = 64 * 1024;
    public const int BatchLimit = 256 * 1024;
    public const int Budget = 400 * 1024;

    public static readonly Dictionary<string, string?> Limits = new()
    {
        ["Api:MaxRequestBodyBytes"] = ApiLimit.ToString(),
        ["Ingest:MaxBatchBytes"] = BatchLimit.ToString(),
        ["Ingest:MaxBytesInFlight"] = Budget.ToString(),
    };

    KestrelApp Server => (KestrelApp)App;

    static string Head(string method, string path, string? token = null, long? length = null, string? contentType = "application/json",
        params string[] extra)
    {
        var head = new StringBuilder($"{method} {path} HTTP/1.1\r\nHost: localhost\r\n");
        if (token is not null) head.Append($"Authorization: Bearer {token}\r\n");
        if (contentType is not null) head.Append($"Content-Type: {contentType}\r\n");
        if (length is not null) head.Append($"Content-Length: {length}\r\n");
        foreach (var header in extra) head.Append(header).Append("\r\n");
        return head.Append("\r\n").ToString();
    }

    static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>A JSON object of about this many bytes.</summary>
    static byte[] JsonOfSize(int size) => Bytes($"{{\"name\":\"{new string('a', Math.Max(0, size - 11))}\"}}");

    static byte[] Chunked(byte[] body)
    {
        var output = new MemoryStream();
        for (var at = 0; at < body.Length; at += 8192)
        {
            var n = Math.Min(8192, body.Length - at);
            output.Write(Bytes($"{n:x}\r\n"));
            output.Write(body, at, n);
            output.Write("\r\n"u8);
        }
        output.Write("0\r\n\r\n"u8);
        return output.ToArray();
    }

    static byte[] GzipBytes(byte[] data)
    {
        using var buffer = new MemoryStream();
        using (var zip = new GZipStream(buffer, CompressionLevel.Optimal, leaveOpen: true)) zip.Write(data);
        return buffer.ToArray();
    }

    const string NextRequest = "GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n";

    /// <summary>Sends the head and body (the body while the answer is read), and returns the first answer.</summary>
    async Task<(RawConnection Connection, RawResponse Response)> ExchangeAsync(string head, byte[]? body = null)
    {
        var connection = await Server.ConnectAsync();
        await connection.SendAsync(head);
        var sending = body is null ? Task.CompletedTask : connection.SendInBackground(body);
        var response = await connection.ReadResponseAsync();
        Assert.True(response is not null, "the connection closed without an answer");
        await sending;
        return (connection, response);
    }

    static void AssertProblem(RawResponse response, int status)
    {
        Assert.True(response.Status == status, $"expected {status}: {response}");
        Assert.StartsWith("application/problem+json", response.Header("Content-Type"));
        var json = JsonNode.Parse(response.Body)!;
        Assert.Equal(status, json["status"]!.GetValue<int>());
        Assert.False(string.IsNullOrEmpty(json["detail"]?.GetValue<string>()), response.Body);
    }

    /// <summary>The point of it all: the answer did not lie about the connection.</summary>
    static async Task AssertConnectionHonestAsync(RawConnection connection, RawResponse response)
    {
        if (response.ClosesConnection)
        {
            Assert.True(await connection.ClosesAsync(), "the answer said Connection: close, but the server kept the connection open");
            return;
        }
        await connection.SendAsync(NextRequest);
        var next = await connection.ReadResponseAsync();
        Assert.True(next is not null, $"the answer kept the connection alive ({response.Status}), but the next request on it got no answer");
        Assert.Equal(200, next.Status);
    }

    async Task AssertEarlyErrorAsync(int status, string head, byte[]? body = null, bool mustClose = false)
    {
        var (connection, response) = await ExchangeAsync(head, body);
        await using (connection)
        {
            AssertProblem(response, status);
            if (mustClose) Assert.True(response.ClosesConnection, $"expected Connection: close: {response}");
            await AssertConnectionHonestAsync(connection, response);
        }
    }

    [Fact]
    public async Task A_declared_body_over_the_limit_is_413_with_connection_close()
    {
        var t = await SharedTenantAsync();
        var body = JsonOfSize(ApiLimit * 2);
        await AssertEarlyErrorAsync(413, Head("POST", "/user", length: body.Length), body, mustClose: true);
        await AssertEarlyErrorAsync(413, Head("POST", $"/http-traffic-record/{t.SourceId}", t.Key, body.Length), body, mustClose: true);

        var batch = JsonOfSize(BatchLimit * 2);
        await AssertEarlyErrorAsync(413, Head("POST", $"/http-traffic-record/{t.SourceId}/batch", t.Key, batch.Length), batch, mustClose: true);
    }

    [Fact]
    public async Task A_chunked_body_over_the_limit_is_413_and_the_connection_is_honest()
    {
        var t = await SharedTenantAsync();
        await AssertEarlyErrorAsync(413, Head("POST", "/user", extra: "Transfer-Encoding: chunked"), Chunked(JsonOfSize(ApiLimit * 2)), mustClose: true);
        await AssertEarlyErrorAsync(413, Head("POST", $"/http-traffic-record/{t.SourceId}/batch", t.Key, extra: "Transfer-Encoding: chunked"),
            Chunked(JsonOfSize(BatchLimit * 2)), mustClose: true);
    }

    [Fact]
    public async Task A_gzip_body_that_inflates_past_the_limit_is_413_and_the_connection_goes_on()
    {
        var t = await SharedTenantAsync();
        var zipped = GzipBytes(JsonOfSize(BatchLimit * 2));
        Assert.True(zipped.Length < ApiLimit);
        await AssertEarlyErrorAsync(413, Head("POST", $"/http-traffic-record/{t.SourceId}/batch", t.Key, zipped.Length, extra: "Content-Encoding: gzip"), zipped);
    }

    [Fact]
    public async Task Expect_100_continue_over_either_limit_gets_413_before_the_body()
    {
        var t = await SharedTenantAsync();
        foreach (var (path, length) in new[] { ("/user", ApiLimit + 1), ($"/http-traffic-record/{t.SourceId}/batch", BatchLimit + 1) })
        {
            await using var connection = await Server.ConnectAsync();
            await connection.SendAsync(Head("POST", path, t.Key, length, extra: "Expect: 100-continue"));
            var response = await connection.ReadResponseAsync();
            Assert.NotNull(response);
            AssertProblem(response, 413);
            Assert.True(response.ClosesConnection, response.ToString());
            Assert.True(await connection.ClosesAsync());
        }
    }

    [Fact]
    public async Task An_error_answered_before_an_expected_body_closes_the_connection()
    {
        // The client waits for 100 Continue that never comes; whatever it sends next must not be taken for that body.
        var body = JsonOfSize(1000);
        await using var connection = await Server.ConnectAsync();
        await connection.SendAsync(Head("POST", "/request", "not-a-valid-token", body.Length, extra: "Expect: 100-continue"));
        var response = await connection.ReadResponseAsync();
        Assert.NotNull(response);
        AssertProblem(response, 401);
        Assert.True(response.ClosesConnection, response.ToString());
    }

    [Fact]
    public async Task Wrong_or_missing_content_types_are_415_problems_whatever_the_credential()
    {
        var t = await SharedTenantAsync();
        var body = Bytes("{}");
        foreach (var token in new[] { t.Key, t.Owner.Token })
            foreach (var path in new[] { $"/http-traffic-record/{t.SourceId}", $"/http-traffic-record/{t.SourceId}/batch", "/request" })
                foreach (var contentType in new[] { null, "text/plain" })
                    await AssertEarlyErrorAsync(415, Head("POST", path, token, body.Length, contentType) + "{}");
        await AssertEarlyErrorAsync(415, Head("POST", "/user", length: body.Length, contentType: null) + "{}");
        await AssertEarlyErrorAsync(415, Head("POST", "/user", contentType: "text/plain", extra: "Transfer-Encoding: chunked"), Chunked(JsonOfSize(100)));
    }

    [Fact]
    public async Task Unauthenticated_and_forbidden_calls_with_a_body_leave_the_connection_usable()
    {
        var t = await SharedTenantAsync();
        var other = await TenantAsync();
        var body = JsonOfSize(10_000);
        await AssertEarlyErrorAsync(400, Head("POST", $"/http-traffic-record/{t.SourceId}", length: body.Length), body);
        await AssertEarlyErrorAsync(401, Head("POST", $"/http-traffic-record/{t.SourceId}", "ak_unknown", body.Length), body);
        await AssertEarlyErrorAsync(401, Head("POST", $"/http-traffic-record/{t.SourceId}", "not-a-token", extra: "Transfer-Encoding: chunked"), Chunked(body));
        await AssertEarlyErrorAsync(403, Head("POST", $"/http-traffic-record/{other.SourceId}", t.Key, body.Length), body);
        await AssertEarlyErrorAsync(403, Head("POST", "/traffic-source", t.Key, body.Length), body);
        await AssertEarlyErrorAsync(403, Head("POST", $"/http-traffic-record/{other.SourceId}/batch", t.Key, extra: "Transfer-Encoding: chunked"), Chunked(body));
    }

    [Fact]
    public async Task Malformed_json_bad_gzip_and_unknown_routes_leave_the_connection_usable()
    {
        var t = await SharedTenantAsync();
        var malformed = Bytes("""{"email": """);
        await AssertEarlyErrorAsync(400, Head("POST", "/user/auth", length: malformed.Length), malformed);
        var plain = JsonOfSize(5000);
        await AssertEarlyErrorAsync(400, Head("POST", $"/http-traffic-record/{t.SourceId}/batch", t.Key, plain.Length, extra: "Content-Encoding: gzip"), plain);
        var body = JsonOfSize(20_000);
        await AssertEarlyErrorAsync(404, Head("POST", "/no-such-route", length: body.Length), body);
        await AssertEarlyErrorAsync(404, Head("POST", "/no-such-route", extra: "Transfer-Encoding: chunked"), Chunked(body));
        await AssertEarlyErrorAsync(405, Head("PATCH", "/user/auth", length: body.Length), body);
    }

    [Fact]
    public async Task Gzip_sent_without_content_encoding_is_a_400_that_says_so()
    {
        var t = await SharedTenantAsync();
        var zipped = GzipBytes(Bytes("""{"records":[]}"""));
        var (connection, response) = await ExchangeAsync(Head("POST", $"/http-traffic-record/{t.SourceId}/batch", t.Key, zipped.Length), zipped);
        await using (connection)
        {
            AssertProblem(response, 400);
            Assert.Contains("Content-Encoding: gzip", response.Body);
            await AssertConnectionHonestAsync(connection, response);
        }
    }

    [Fact]
    public async Task Pipelined_requests_each_get_their_answer_when_the_first_fails()
    {
        var t = await SharedTenantAsync();
        var invalid = Bytes("""{"email":"not-an-email","password":""}""");
        var body = JsonOfSize(3000);
        var pipeline = new MemoryStream();
        pipeline.Write(Bytes(Head("POST", "/user/auth", length: invalid.Length)));
        pipeline.Write(invalid);
        pipeline.Write(Bytes(Head("POST", $"/http-traffic-record/{t.SourceId}", "ak_unknown", body.Length)));
        pipeline.Write(body);
        pipeline.Write(Bytes(Head("POST", "/user/auth", length: 9)));
        pipeline.Write(Bytes("""{"email":"""));
        pipeline.Write(Bytes(NextRequest));

        await using var connection = await Server.ConnectAsync();
        await connection.SendAsync(pipeline.ToArray());
        var answers = new List<RawResponse>();
        for (var i = 0; i < 4; i++) answers.Add((await connection.ReadResponseAsync())!);

        AssertProblem(answers[0], 400);
        Assert.NotNull(JsonNode.Parse(answers[0].Body)!["errors"]);
        AssertProblem(answers[1], 401);
        AssertProblem(answers[2], 400);
        Assert.Equal(200, answers[3].Status);
        Assert.All(answers, a => Assert.False(a.ClosesConnection, a.ToString()));
    }

    [Fact]
    public async Task Requests_kestrel_cannot_parse_get_problem_json_and_a_closed_connection()
    {
        var requests = new (int Status, string Request)[]
        {
            (400, "GET /a b c HTTP/1.1\r\nHost: localhost\r\n\r\n"),
            (400, "GET /healthz HTTP/1.1\r\nHost: localhost\r\nBad Header\r\n\r\n"),
            (414, $"GET /healthz?q={new string('a', 10_000)} HTTP/1.1\r\nHost: localhost\r\n\r\n"),
            (431, $"GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Big: {new string('a', 40_000)}\r\n\r\n"),
        };
        foreach (var (status, request) in requests)
        {
            // Once as the first request of a connection, once after an answered one.
            foreach (var first in new[] { true, false })
            {
                await using var connection = await Server.ConnectAsync();
                if (!first)
                {
                    await connection.SendAsync(NextRequest);
                    Assert.Equal(200, (await connection.ReadResponseAsync())!.Status);
                }
                await connection.SendAsync(request);
                var response = await connection.ReadResponseAsync();
                Assert.NotNull(response);
                AssertProblem(response, status);
                Assert.True(response.ClosesConnection, response.ToString());
                Assert.True(await connection.ClosesAsync());
            }
        }
    }

    [Fact]
    public async Task Over_the_bytes_in_flight_budget_an_ingest_call_gets_503_with_retry_after()
    {
        var t = await SharedTenantAsync();
        // A batch whose body is still coming holds its declared length of the budget.
        await using var holder = await Server.ConnectAsync();
        var held = JsonOfSize(BatchLimit);
        await holder.SendAsync(Head("POST", $"/http-traffic-record/{t.SourceId}/batch", t.Key, held.Length));
        await holder.SendAsync(held[..1000]);

        var body = JsonOfSize(Budget - BatchLimit + 1000);
        RawResponse? refused = null;
        // The holder's share is taken when the server reads its head: until then a call may still pass.
        for (var i = 0; i < 150 && refused is null; i++)
        {
            var (connection, response) = await ExchangeAsync(Head("POST", $"/http-traffic-record/{t.SourceId}/batch", t.Key, body.Length), body);
            await using (connection)
            {
                if (response.Status == 503)
                {
                    refused = response;
                    await AssertConnectionHonestAsync(connection, response);
                }
                else await Task.Delay(100, Ct);
            }
        }
        Assert.NotNull(refused);
        AssertProblem(refused, 503);
        Assert.Equal("1", refused.Header("Retry-After"));

        // Small calls and people's reads go on, and once the holder is done the budget is back.
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, "/healthz")).Status);
        await holder.SendAsync(held[1000..]);
        var answer = await holder.ReadResponseAsync();
        Assert.Equal(400, answer!.Status);
        var (again, reply) = await ExchangeAsync(Head("POST", $"/http-traffic-record/{t.SourceId}/batch", t.Key, body.Length), body);
        await using (again) Assert.Equal(400, reply.Status);
    }

    [Fact]
    public async Task Over_its_rate_a_key_gets_429_on_a_connection_that_goes_on()
    {
        await using var limited = new KestrelApp(App.Engine, new Dictionary<string, string?>
        {
            ["Ingest:RateLimit:PermitsPerSecond"] = "1",
            ["Ingest:RateLimit:Burst"] = "1",
        });
        await limited.InitializeAsync();
        using var client = limited.CreateClient();
        var t = await TenantAsync(limited, client);
        var body = Bytes("""{"headers":{},"queryParams":{}}""");

        RawResponse? refused = null;
        await using var connection = await limited.ConnectAsync();
        for (var i = 0; i < 8 && refused is null; i++)
        {
            await connection.SendAsync(Head("POST", "/request", t.Key, body.Length) + Encoding.UTF8.GetString(body));
            var response = (await connection.ReadResponseAsync())!;
            if (response.Status == 429) refused = response;
            else Assert.Equal(201, response.Status);
        }
        Assert.NotNull(refused);
        AssertProblem(refused, 429);
        Assert.NotNull(refused.Header("Retry-After"));
        await AssertConnectionHonestAsync(connection, refused);
    }
}

public sealed class ConnectionSqliteApp() : KestrelApp(Engine.Sqlite, ConnectionTests.Limits);

public sealed class ConnectionPostgresApp() : KestrelApp(Engine.Postgres, ConnectionTests.Limits);

public sealed class ConnectionTestsOnSqlite(ConnectionSqliteApp app) : ConnectionTests(app), IClassFixture<ConnectionSqliteApp>;

public sealed class ConnectionTestsOnPostgres(ConnectionPostgresApp app) : ConnectionTests(app), IClassFixture<ConnectionPostgresApp>;
