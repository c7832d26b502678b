using System.Text.RegularExpressions;
using Arkyn.Tests.Infrastructure;
using NJsonSchema;
using NSwag;

namespace Arkyn.Tests.Platform;

/// <summary>
/// The served OpenAPI document against the server's real answers: every answer of a full flow has a documented
/// status for its operation and a body its schema accepts; names, tags and security follow docs/openapi.md.
/// </summary>
public abstract class OpenApiTests(ArkynApp app) : ApiTest(app)
{
    /// <summary>Set by .ci/run: the served document is written there for `redocly lint`.</summary>
    public const string DocumentFileVariable = "ARKYN_OPENAPI_FILE";

    protected async Task<(string Json, OpenApiDocument Document)> ServedDocumentAsync()
    {
        var reply = await SendAsync(HttpMethod.Get, "/swagger/v1/swagger.json");
        Assert.Equal(HttpStatusCode.OK, reply.Status);
        return (reply.Body, await OpenApiDocument.FromJsonAsync(reply.Body, Ct));
    }

    [Fact]
    public async Task Names_tags_and_security_follow_the_conventions()
    {
        var (json, document) = await ServedDocumentAsync();
        if (Environment.GetEnvironmentVariable(DocumentFileVariable) is { Length: > 0 } file && App.Engine == Engine.Sqlite)
            await File.WriteAllTextAsync(file, json, Ct);

        foreach (var schema in new[] { "CreateHttpTrafficRequest", "HttpTraffic", "RecordView", "Problem", "RecordInput", "TrafficSource" })
            Assert.True(document.Components.Schemas.ContainsKey(schema), $"no schema {schema}");
        Assert.DoesNotContain(document.Components.Schemas.Keys, k => k.StartsWith("Arkyn", StringComparison.Ordinal));
        var operations = document.Operations.ToDictionary(o => o.Operation.OperationId);
        foreach (var id in new[] { "createHttpTraffic", "listTrafficSources", "getCurrentUser", "createHttpTrafficRecord", "createHttpTrafficRecordBatch", "getHttpTrafficStats" })
            Assert.True(operations.ContainsKey(id), $"no operation {id}");
        Assert.Equal("HTTP traffic", operations["createHttpTraffic"].Operation.Tags.Single());
        Assert.Equal("Ingest", operations["createHttpTrafficRecord"].Operation.Tags.Single());
        Assert.Equal("Reading", operations["getHttpTrafficStats"].Operation.Tags.Single());
        foreach (var operation in document.Operations.Select(o => o.Operation))
        {
            Assert.NotEmpty(operation.Security);
            Assert.Single(operation.Tags);
            foreach (var (code, response) in operation.Responses.Where(r => int.Parse(r.Key) >= 400 && r.Key != "503"))
                Assert.True(response.Content.ContainsKey("application/problem+json"), $"{operation.OperationId} {code} is not a problem");
        }
        Assert.Equal([new OpenApiSecurityRequirement()], operations["createUser"].Operation.Security);
        Assert.Equal(["userToken", "ingestKey"], operations["createHttpTraffic"].Operation.Security.SelectMany(r => r.Keys));
        Assert.Equal(["201"], operations["createHttpTraffic"].Operation.Responses.Keys.Where(k => k.StartsWith('2')));
        var created = operations["createHttpTraffic"].Operation.RequestBody.Content["application/json"].Schema.ActualSchema;
        Assert.Contains("domainId", created.RequiredProperties);
        var record = document.Components.Schemas["RecordInput"];
        Assert.Contains("requestHeaders", record.RequiredProperties);
        Assert.False(record.Properties["requestHeaders"].IsNullableRaw == true);
    }

    [Fact]
    public async Task Every_answer_of_a_full_flow_is_documented_for_its_operation()
    {
        var (_, document) = await ServedDocumentAsync();
        var check = new DocumentedAnswers(document);
        async Task<Reply> Send(HttpMethod method, string path, object? body = null, string? token = null)
        {
            var reply = await SendAsync(method, path, body, token);
            check.Assert(method, path, body is null ? null : System.Text.Json.JsonSerializer.Serialize(body), reply);
            return reply;
        }

        Assert.Equal(HttpStatusCode.OK, (await Send(HttpMethod.Get, "/healthz")).Status);
        Assert.Equal(HttpStatusCode.OK, (await Send(HttpMethod.Get, "/readyz")).Status);
        var email = $"ada-{Guid.NewGuid():N}@example.com";
        var user = (await Send(HttpMethod.Post, "/user", new { name = "Ada", email, password = "correct horse" })).Json["id"]!.GetValue<string>();
        await Send(HttpMethod.Post, "/user", new { name = "Ada", email, password = "correct horse" });
        var noEmail = AssertProblem(await Send(HttpMethod.Post, "/user", new { name = "Ada" }), HttpStatusCode.BadRequest, "email");
        Assert.Equal("email is required.", noEmail["errors"]!["email"]![0]!.GetValue<string>());
        await Send(HttpMethod.Post, "/user/auth", new { email, password = "wrong horse" });
        var token = (await Send(HttpMethod.Post, "/user/auth", new { email, password = "correct horse" })).Json["token"]!.GetValue<string>();
        await Send(HttpMethod.Get, "/user/me", token: token);
        await Send(HttpMethod.Get, "/user/me");
        await Send(HttpMethod.Get, "/user/me", token: "not.a.token");
        await Send(HttpMethod.Put, $"/user/{user}", new { name = "Ada L." }, token);
        await Send(HttpMethod.Put, $"/user/{Guid.NewGuid()}", new { name = "Eve" }, token);

        var source = (await Send(HttpMethod.Post, "/traffic-source", new { name = "Shop", trafficDomain = "shop.example.com" }, token)).Json["id"]!.GetValue<string>();
        await Send(HttpMethod.Post, "/traffic-source", new { name = "Shop", trafficDomain = "shop.example.com" }, token);
        var noName = AssertProblem(await Send(HttpMethod.Post, "/traffic-source", new { trafficDomain = "x.example.com" }, token), HttpStatusCode.BadRequest, "name");
        Assert.Equal("name is required.", noName["errors"]!["name"]![0]!.GetValue<string>());
        await Send(HttpMethod.Get, "/traffic-source?page=1&pageLimit=20", token: token);
        await Send(HttpMethod.Get, "/traffic-source?page=0", token: token);
        await Send(HttpMethod.Put, $"/traffic-source/{source}", new { name = "Shop API" }, token);
        var domain = (await Send(HttpMethod.Post, $"/domain/{source}", new { value = "api.example.com", protocol = "HTTPS" }, token)).Json["id"]!.GetValue<string>();
        await Send(HttpMethod.Post, $"/domain/{source}", new { value = "api.example.com", protocol = "HTTPS" }, token);
        await Send(HttpMethod.Post, $"/domain/{Guid.NewGuid()}", new { value = "api.example.com", protocol = "HTTPS" }, token);
        await Send(HttpMethod.Get, $"/domain/{source}", token: token);
        var pathname = (await Send(HttpMethod.Post, $"/pathname/{source}/{domain}", new { value = "/orders" }, token)).Json["id"]!.GetValue<string>();
        await Send(HttpMethod.Post, $"/pathname/{source}/{domain}", new { value = "/orders" }, token);
        await Send(HttpMethod.Get, $"/pathname/{source}/{domain}", token: token);
        var request = (await Send(HttpMethod.Post, "/request", new { headers = new { accept = "*/*" }, body = new { item = "book" }, queryParams = new { } }, token)).Json["id"]!.GetValue<string>();
        await Send(HttpMethod.Post, "/request", new { body = "x" }, token);
        var response = (await Send(HttpMethod.Post, "/response", new { headers = new { }, body = (object?)null }, token)).Json["id"]!.GetValue<string>();
        var traffic = new { status = 201, method = "POST", elapsedTime = 150, trafficUserId = "user-456", domainId = domain, pathnameId = pathname, requestId = request, responseId = response };
        var trafficId = (await Send(HttpMethod.Post, $"/http-traffic/{source}", traffic, token)).Json["id"]!.GetValue<string>();
        await Send(HttpMethod.Post, $"/http-traffic/{source}", traffic, token);
        await Send(HttpMethod.Post, $"/http-traffic/{source}", traffic with { domainId = Guid.NewGuid().ToString() }, token);
        var missing = await Send(HttpMethod.Post, $"/http-traffic/{source}", new { status = 200, method = "GET", elapsedTime = 1 }, token);
        Assert.Equal("domainId is required.", AssertProblem(missing, HttpStatusCode.BadRequest, "domainId")["errors"]!["domainId"]![0]!.GetValue<string>());
        await Send(HttpMethod.Get, $"/http-traffic/{source}", token: token);

        var key = (await Send(HttpMethod.Post, $"/traffic-source/{source}/ingest-keys", new { name = "agent" }, token)).Json;
        await Send(HttpMethod.Get, $"/traffic-source/{source}/ingest-keys", token: token);
        var agent = key["key"]!.GetValue<string>();
        var record = new
        {
            id = Guid.CreateVersion7().ToString(), domainUrl = "https://api.example.com", pathnameUrl = "/users/42", method = "GET", status = 200,
            elapsedTime = 12.5, requestHeaders = new { accept = "application/json" }, queryParams = new { }, responseHeaders = new { },
            responseBody = new { id = 42 },
        };
        var stored = (await Send(HttpMethod.Post, $"/http-traffic-record/{source}", record, agent)).Json["id"]!.GetValue<string>();
        await Send(HttpMethod.Post, $"/http-traffic-record/{source}", record, agent);
        AssertProblem(await Send(HttpMethod.Post, $"/http-traffic-record/{source}", new { domainUrl = "https://api.example.com", method = "GET" }, agent),
            HttpStatusCode.BadRequest, "requestHeaders");
        await Send(HttpMethod.Post, $"/http-traffic-record/{source}/batch", new { records = new object[] { record with { id = Guid.CreateVersion7().ToString() }, new { method = "GET" } } }, agent);
        await Send(HttpMethod.Post, $"/http-traffic-record/{source}/batch", new { records = "none" }, agent);
        await Send(HttpMethod.Get, "/user/me", token: agent);
        await Send(HttpMethod.Get, $"/http-traffic-record/{source}?pageLimit=1", token: token);
        await Send(HttpMethod.Get, $"/http-traffic-record/{source}/{stored}", token: token);
        await Send(HttpMethod.Get, $"/http-traffic-record/{source}/{Guid.NewGuid()}", token: token);
        await Send(HttpMethod.Get, $"/http-traffic-stats/{source}", token: token);
        await Send(HttpMethod.Get, $"/http-traffic-stats/{source}?interval=1h", token: token);
        await Send(HttpMethod.Get, $"/http-traffic-stats/{source}?interval=7s", token: token);

        var plain = await SendRawAsync(HttpMethod.Post, "/traffic-source", "name=Shop", token,
            m => m.Content!.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/plain"));
        check.Assert(HttpMethod.Post, "/traffic-source", null, plain);
        var huge = await SendRawAsync(HttpMethod.Post, "/request", $"{{\"headers\":{{}},\"queryParams\":{{}},\"body\":\"{new string('x', 1_100_000)}\"}}", token);
        check.Assert(HttpMethod.Post, "/request", null, huge);
        Assert.Equal([HttpStatusCode.UnsupportedMediaType, HttpStatusCode.RequestEntityTooLarge], new[] { plain.Status, huge.Status });

        var other = await RegisterAsync("Eve");
        await Send(HttpMethod.Get, $"/domain/{source}", token: other.Token);
        await Send(HttpMethod.Delete, $"/traffic-source/{source}", token: other.Token);

        await Send(HttpMethod.Delete, $"/http-traffic/{trafficId}", token: token);
        await Send(HttpMethod.Delete, $"/http-traffic/{trafficId}", token: token);
        await Send(HttpMethod.Delete, $"/pathname/{pathname}", token: token);
        await Send(HttpMethod.Delete, $"/domain/{domain}", token: token);
        await Send(HttpMethod.Delete, $"/ingest-key/{key["id"]!.GetValue<string>()}", token: token);
        await Send(HttpMethod.Delete, $"/traffic-source/{source}", token: token);
        await Send(HttpMethod.Delete, $"/traffic-source/not-a-uuid", token: token);

        Assert.True(check.Answers >= 50, $"only {check.Answers} answers checked");
        Assert.Contains(201, check.Statuses);
        Assert.Contains(204, check.Statuses);
        Assert.Contains(207, check.Statuses);
        foreach (var status in new[] { 400, 401, 403, 404, 409, 413, 415 }) Assert.Contains(status, check.Statuses);
    }

    /// <summary>Finds the operation of an answer by method and path template, and checks its status and body against it.</summary>
    sealed class DocumentedAnswers(OpenApiDocument document)
    {
        readonly List<(Regex Path, string Template)> templates = document.Paths.Keys
            .OrderBy(p => p.Count(c => c == '{'))
            .Select(p => (new Regex("^" + Regex.Replace(Regex.Escape(p), @"\\\{[^}]+}", "[^/]+") + "$"), p)).ToList();

        public int Answers { get; private set; }
        public HashSet<int> Statuses { get; } = [];

        /// <summary>The answer's status and body against the operation; a body the server accepted against its request schema.</summary>
        public void Assert(HttpMethod method, string url, string? sent, Reply reply)
        {
            var path = url.Split('?')[0];
            var template = templates.First(t => t.Path.IsMatch(path)).Template;
            var operation = document.Paths[template][method.Method.ToLowerInvariant()];
            var status = (int)reply.Status;
            var where = $"{method} {template} answered {status}";
            Xunit.Assert.True(operation.Responses.TryGetValue(status.ToString(), out var documented), $"{where}, which is not documented: {reply.Body}");
            Answers++;
            Statuses.Add(status);
            // A 207 accepted the wrapper and answered for each record, the invalid ones too: only what fully succeeded is checked.
            if (sent is not null && status < 300 && status != 207)
            {
                var accepted = operation.RequestBody.Content["application/json"].Schema.ActualSchema.Validate(sent, SchemaType.OpenApi3);
                Xunit.Assert.True(accepted.Count == 0, $"{where} to a body its request schema refuses: {string.Join("; ", accepted)}\n{sent}");
            }
            if (status == 204)
            {
                Xunit.Assert.Empty(reply.Body);
                return;
            }
            Xunit.Assert.True(documented.Content.TryGetValue(reply.ContentType ?? "", out var media), $"{where} as {reply.ContentType}, documented as {string.Join(", ", documented.Content.Keys)}");
            var errors = media.Schema.ActualSchema.Validate(reply.Body, SchemaType.OpenApi3);
            Xunit.Assert.True(errors.Count == 0, $"{where}; the body breaks its schema: {string.Join("; ", errors)}\n{reply.Body}");
        }
    }
}

public sealed class OpenApiTestsOnSqlite(SqliteApp app) : OpenApiTests(app), IClassFixture<SqliteApp>;

public sealed class OpenApiTestsOnPostgres(PostgresApp app) : OpenApiTests(app), IClassFixture<PostgresApp>;
