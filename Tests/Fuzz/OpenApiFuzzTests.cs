using System.Text;
using Arkyn.Tests.Infrastructure;
using Arkyn.Tests.Ingest;

namespace Arkyn.Tests.Fuzz;

/// <summary>
/// Walks the served OpenAPI document and sends every operation malformed values in every field (wrong types, huge and
/// tiny numbers, lone surrogates, NUL, deep nesting, very long strings, bad ids, calendar ends), with a valid token and
/// the ids of a real source. No answer may be a 5xx, and afterwards every list and read route still answers 200.
/// The seed is fixed and the count bounded (<see cref="RequestsPerOperation"/> per operation), so a failure repeats.
/// </summary>
public abstract class OpenApiFuzzTests(ArkynApp app) : IngestTest(app)
{
    /// <summary>Fixed, so a failure repeats; ARKYN_FUZZ_SEED tries another sequence when hunting.</summary>
    static readonly int Seed = int.TryParse(Environment.GetEnvironmentVariable("ARKYN_FUZZ_SEED"), out var seed) ? seed : 20261201;
    const int RequestsPerOperation = 16;

    static string Nested(int depth) => new string('[', depth) + "1" + new string(']', depth);

    /// <summary>JSON texts, written by hand: lone surrogate escapes cannot come out of a .NET serializer.</summary>
    static readonly string[] BadValues =
    [
        "true", "null", "[]", "{}", "\"\"", "\" \"", "0", "-1", "1e308", "-1e308", "1e-320", "2147483648", "-2147483649",
        "9223372036854775808", "1e400", "-1e400", "1.5", "-0", "\"\\ud800\"", "\"\\udc00x\"", "\"a\\u0000b\"", "\"\\u0000\"", "\"x\\ud83d\"",
        "\"not-a-uuid\"", "\"00000000-0000-0000-0000-000000000000\"", "\"1.5\"", "\"0001-01-01T00:00:00Z\"",
        "\"9999-12-31T23:59:59.9999999Z\"", "\"0001-01-01T00:00:00+01:00\"", "\"'; DROP TABLE users; --\"", "\"../../etc/passwd\"",
        "\"%00\"", "\"\\u202e😀\"", "\"" + new string('a', 70_000) + "\"", "\"" + string.Concat(Enumerable.Repeat("é😀", 20_000)) + "\"",
        Nested(64), Nested(70), Nested(1100), "{\"a\":" + Nested(63) + "}", "{\"\\ud800\":\"\\u0000\",\"k\\u0000\":[\"\\udfff\"]}",
        "{\"password\":\"x\",\"Authorization \":\"Bearer y\",\"pwd\":1}", "[\"\\ud800\",{\"k\\u0000\":1}]", "\"HTTPS\"", "\"GET\"",
    ];

    static readonly string[] BadBodies = ["", "[]", "null", "\"x\"", "{", "{\"a\":", Nested(1100), "{\"records\":" + Nested(1100) + "}", "\"\\ud800\""];

    static readonly string[] BadQueryValues =
    [
        "", "1.5", "-1", "0", "99999999999999999999", "1e308", "NaN", "%00", "a%00b", "%ED%A0%80", "%FF", "%C0%AF",
        "0001-01-01T00:00:00Z", "9999-12-31T23:59:59.9999999Z", "0000-00-00", "2026-13-45", "GET", "get", "2xx", "9xx", "INFO",
        "/users/%7Bid%7D", "%2F", "api.example.com", "a:99999", Uri.EscapeDataString(new string('x', 5000)),
        "MTc5NTY3ODkwMDY5MTow", "LTk5OTk5OTk5OTk5OTk5OTk5OTk6eA", "OTIyMzM3MjAzNjg1NDc3NTgwNzp4", "!!!", "1m", "1d", "7w",
    ];

    /// <summary>Values that pass validation, so that bodies with one bad field still reach the database.</summary>
    static string? Plausible(string name, JsonNode? schema, Random random) => name switch
    {
        "domainUrl" => "\"https://api.example.com\"",
        "pathnameUrl" => $"\"/fuzz/{random.Next(5)}\"",
        "method" => "\"GET\"",
        "status" => "200",
        "elapsedTime" => "12.5",
        "protocol" => "\"HTTPS\"",
        "headers" or "requestHeaders" or "responseHeaders" or "queryParams" => "{\"accept\":\"*/*\"}",
        "value" => random.Next(2) == 0 ? "\"api.example.com\"" : "\"/fuzz\"",
        "trafficDomain" => "\"shop.example.com\"",
        "email" => $"\"fuzz-{random.Next(1000)}@example.com\"",
        "password" => "\"correct horse battery\"",
        "timestamp" => "\"2026-11-26T07:15:00Z\"",
        _ => (string?)schema?["type"] switch
        {
            "string" => "\"fuzz\"",
            "integer" => "1",
            "number" => "1.5",
            "boolean" => "true",
            _ => null,
        },
    };

    sealed record Operation(string Method, string Path, List<(string Name, string In)> Parameters, JsonObject? Body);

    [Fact]
    public async Task No_malformed_input_on_any_operation_answers_5xx_and_every_read_still_answers_200()
    {
        var t = await TenantAsync();
        var ids = await RealIdsAsync(t);
        var document = await SendAsync(HttpMethod.Get, "/swagger/v1/swagger.json");
        AssertStatus(HttpStatusCode.OK, document);
        var schemas = document.Json["components"]!["schemas"]!.AsObject();
        var operations = Operations(document.Json);
        Assert.True(operations.Count >= 25, $"only {operations.Count} operations in the document");

        var random = new Random(Seed);
        var failures = new List<string>();
        var sent = 0;
        foreach (var op in operations)
        {
            // Accounts cost a password hash each (a quarter of a second): fewer tries there.
            var tries = op.Method == "POST" && op.Path.StartsWith("/user") ? RequestsPerOperation / 4 : RequestsPerOperation;
            for (var i = 0; i < tries; i++)
            {
                var path = op.Path;
                var query = new StringBuilder();
                foreach (var (name, where) in op.Parameters)
                {
                    if (where == "path")
                        path = path.Replace("{" + name + "}", PathValue(name, op.Method, ids, random));
                    else if (where == "query" && random.Next(3) == 0)
                    {
                        var value = random.Next(4) == 0 && ids.TryGetValue(name, out var real) ? real : BadQueryValues[random.Next(BadQueryValues.Length)];
                        query.Append(query.Length == 0 ? '?' : '&').Append(name).Append('=').Append(value);
                        if (random.Next(20) == 0) query.Append('&').Append(name).Append('=').Append(value);
                    }
                }
                var body = op.Body is null ? null
                    : random.Next(10) == 0 ? BadBodies[random.Next(BadBodies.Length)]
                    : BodyFor(op.Body, schemas, random);
                var token = random.Next(5) == 0 ? t.Key : t.Owner.Token;
                var reply = await SendRawAsync(new HttpMethod(op.Method), path + query, body, token);
                sent++;
                if ((int)reply.Status >= 500)
                    failures.Add($"{op.Method} {path}{query} {(body is null ? "" : body[..Math.Min(body.Length, 300)])} → {(int)reply.Status} {reply.Body}");
            }
        }

        Assert.True(failures.Count == 0, $"seed {Seed}: {failures.Count} of {sent} requests answered 5xx:\n" + string.Join("\n", failures.Take(20)));
        foreach (var op in operations.Where(o => o.Method == "GET"))
        {
            var path = op.Parameters.Where(p => p.In == "path").Aggregate(op.Path, (p, x) => p.Replace("{" + x.Name + "}", ids[x.Name]));
            var reply = await SendAsync(HttpMethod.Get, path, token: t.Owner.Token);
            Assert.True(reply.Status == HttpStatusCode.OK, $"after the fuzzing, GET {path} answers {(int)reply.Status}: {reply.Body}");
        }
    }

    /// <summary>A real id most of the time; bad ones otherwise. A DELETE never gets a real id: the reads afterwards need them.</summary>
    static string PathValue(string name, string method, Dictionary<string, string> ids, Random random)
    {
        if (method != "DELETE" && random.Next(3) != 0) return ids[name];
        // No %00: the in-memory test server refuses a path holding NUL before the app sees it (Kestrel answers 400).
        string[] bad = ["x", "%ED%A0%80", Guid.NewGuid().ToString(), ids[name].ToUpperInvariant() + "0", new string('9', 400), "..", "%20", "00000000-0000-0000-0000-000000000000"];
        return bad[random.Next(bad.Length)];
    }

    string BodyFor(JsonObject schema, JsonObject schemas, Random random)
    {
        var properties = Properties(schema, schemas);
        var fields = new List<string>();
        foreach (var (name, property) in properties)
        {
            if (name == "records")
            {
                var record = property?["items"] is JsonObject items ? items : schema;
                var records = Enumerable.Range(0, random.Next(1, 5)).Select(_ => random.Next(6) == 0 ? BadValues[random.Next(BadValues.Length)] : BodyFor(record, schemas, random));
                fields.Add($"\"records\":[{string.Join(",", records)}]");
                continue;
            }
            var roll = random.Next(10);
            var value = roll < 4 ? BadValues[random.Next(BadValues.Length)] : roll < 9 ? Plausible(name, property, random) : null;
            if (value is not null) fields.Add($"\"{name}\":{value}");
        }
        return "{" + string.Join(",", fields) + "}";
    }

    /// <summary>The properties of an object schema, through $ref and allOf.</summary>
    static Dictionary<string, JsonNode?> Properties(JsonNode schema, JsonObject schemas)
    {
        var result = new Dictionary<string, JsonNode?>();
        if (schema["$ref"] is { } reference) return Properties(schemas[((string)reference!).Split('/')[^1]]!, schemas);
        foreach (var part in schema["allOf"]?.AsArray() ?? [])
            foreach (var (name, property) in Properties(part!, schemas)) result[name] = property;
        foreach (var (name, property) in schema["properties"]?.AsObject() ?? []) result[name] = property;
        return result;
    }

    static List<Operation> Operations(JsonNode document)
    {
        var operations = new List<Operation>();
        foreach (var (path, methods) in document["paths"]!.AsObject())
            foreach (var (method, operation) in methods!.AsObject())
            {
                var parameters = (operation!["parameters"]?.AsArray() ?? []).Select(p => ((string)p!["name"]!, (string)p["in"]!)).ToList();
                var body = operation["requestBody"]?["content"]?["application/json"]?["schema"]?.AsObject();
                operations.Add(new Operation(method.ToUpperInvariant(), path, parameters, body));
            }
        return operations;
    }

    /// <summary>The ids of a real source with one of everything, by the names the document gives its path and query parameters.</summary>
    async Task<Dictionary<string, string>> RealIdsAsync(Tenant t)
    {
        var domain = await SendAsync(HttpMethod.Post, $"/domain/{t.SourceId}", new { value = "api.example.com", protocol = "HTTPS" }, t.Owner.Token);
        AssertStatus(HttpStatusCode.Created, domain);
        var domainId = Str(domain.Json["id"]);
        var pathname = await SendAsync(HttpMethod.Post, $"/pathname/{t.SourceId}/{domainId}", new { value = "/fuzz" }, t.Owner.Token);
        AssertStatus(HttpStatusCode.Created, pathname);
        var record = await PostRecordAsync(t, Record());
        AssertStatus(HttpStatusCode.Created, record);
        var webhook = await SendAsync(HttpMethod.Post, $"/webhooks/{t.SourceId}",
            new { name = "fuzz", url = "http://127.0.0.1:9/hook", rule = new { kind = "level", levels = new[] { "FATAL" } } }, t.Owner.Token);
        AssertStatus(HttpStatusCode.Created, webhook);
        return new Dictionary<string, string>
        {
            ["trafficSourceId"] = t.SourceId, ["domainId"] = domainId, ["pathnameId"] = Str(pathname.Json["id"]),
            ["httpTrafficId"] = Str(record.Json["id"]), ["ingestKeyId"] = t.KeyId, ["userId"] = t.Owner.Id,
            ["webhookId"] = Str(webhook.Json["id"]),
            // Paths that differ only by their parameter's name are one in the document (/domain/{id}): the id of
            // their reads and creates is the source's; their deletes get bad ids anyway.
            ["id"] = t.SourceId,
        };
    }
}

/// <summary>Webhooks aimed at a loopback port, so the fuzzed source has one to read back.</summary>
public sealed class FuzzSqliteApp() : ArkynApp(Engine.Sqlite, new Dictionary<string, string?> { ["Alerts:AllowPrivateTargets"] = "true" });

public sealed class FuzzPostgresApp() : ArkynApp(Engine.Postgres, new Dictionary<string, string?> { ["Alerts:AllowPrivateTargets"] = "true" });

public sealed class OpenApiFuzzTestsOnSqlite(FuzzSqliteApp app) : OpenApiFuzzTests(app), IClassFixture<FuzzSqliteApp>;

public sealed class OpenApiFuzzTestsOnPostgres(FuzzPostgresApp app) : OpenApiFuzzTests(app), IClassFixture<FuzzPostgresApp>;
