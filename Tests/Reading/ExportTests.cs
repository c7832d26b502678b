using System.Globalization;
using System.Text;
using Arkyn.Tests.Infrastructure;

namespace Arkyn.Tests.Reading;

/// <summary>GET /http-traffic-record/:id/export: the list's records, every filter, oldest first, as NDJSON or CSV attachments.</summary>
public abstract class ExportTests(ArkynApp app) : ApiTest(app)
{
    static readonly DateTimeOffset Base = new(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);

    static readonly string[] CsvHeader =
        ["id", "status", "method", "level", "elapsedTime", "trafficUserId", "trafficSourceId", "domainId", "pathnameId", "requestId",
         "responseId", "createdAt", "domain", "protocol", "pathname", "request", "response"];

    async Task<(Account Owner, string SourceId)> SeedAsync(int count)
    {
        var owner = await RegisterAsync();
        var source = await SendAsync(HttpMethod.Post, "/traffic-source", new { name = "Shop", trafficDomain = $"{Guid.NewGuid():N}.example.com" }, owner.Token);
        var sourceId = source.Json["id"]!.GetValue<string>();
        var batch = await SendAsync(HttpMethod.Post, $"/http-traffic-record/{sourceId}/batch", new
        {
            records = Enumerable.Range(0, count).Select(i => new
            {
                // Out of order on purpose: the export sorts by time, not by arrival.
                timestamp = Base.AddMinutes((i * 7) % count).ToString("O"), domainUrl = "https://api.example.com", pathnameUrl = $"/users/{i}",
                method = i % 2 == 0 ? "GET" : "POST", status = i % 3 == 0 ? 500 : 200, elapsedTime = i + 0.5,
                // Commas, quotes and line breaks must survive CSV.
                trafficUserId = i % 4 == 0 ? null : $"user \"{i}\", line\nbreak",
                requestHeaders = new { accept = "application/json" }, queryParams = new { q = "a,b" }, responseHeaders = new { },
                responseBody = new { id = i, text = "say \"hi\"" },
            }),
        }, owner.Token);
        Assert.Equal(HttpStatusCode.MultiStatus, batch.Status);
        Assert.Equal(count, batch.Json["successes"]!.AsArray().Count);
        return (owner, sourceId);
    }

    /// <summary>The list route's records for the query, oldest first (the list is newest first).</summary>
    async Task<List<JsonNode>> ListedOldestFirstAsync(string sourceId, string query, string token)
    {
        var all = new List<JsonNode>();
        for (var page = 1; ; page++)
        {
            var reply = await SendAsync(HttpMethod.Get, $"/http-traffic-record/{sourceId}?pageLimit=100&page={page}&{query}", token: token);
            Assert.True(reply.Status == HttpStatusCode.OK, reply.Body);
            var data = reply.Json["data"]!.AsArray();
            all.AddRange(data.Select(d => d!.DeepClone()));
            if (data.Count < 100) break;
        }
        all.Reverse();
        return all;
    }

    [Theory]
    [InlineData("")]
    [InlineData("method=post")]
    [InlineData("statusClass=5xx&minElapsed=10")]
    [InlineData("startDate=2026-11-20T12:10:00Z&endDate=2026-11-20T12:40:00Z")]
    [InlineData("pathname=/users/3")]
    public async Task Ndjson_has_the_lists_record_views_oldest_first_for_every_filter(string query)
    {
        var (owner, sourceId) = await SeedAsync(130);
        var reply = await SendAsync(HttpMethod.Get, $"/http-traffic-record/{sourceId}/export?format=ndjson&{query}", token: owner.Token);
        Assert.True(reply.Status == HttpStatusCode.OK, reply.Body);
        Assert.Equal("application/x-ndjson", reply.ContentType);
        Assert.Equal("attachment", reply.Message.Content.Headers.ContentDisposition?.DispositionType);
        Assert.EndsWith(".ndjson", reply.Message.Content.Headers.ContentDisposition?.FileName?.Trim('"'));

        var lines = reply.Body.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!).ToList();
        var listed = await ListedOldestFirstAsync(sourceId, query, owner.Token);
        Assert.NotEmpty(listed);
        Assert.Equal(listed.Count, lines.Count);
        for (var i = 0; i < lines.Count; i++)
            Assert.True(JsonNode.DeepEquals(listed[i], lines[i]), $"line {i}: {lines[i].ToJsonString()} is not {listed[i].ToJsonString()}");
        Assert.True(reply.Body.EndsWith('\n'));
    }

    [Fact]
    public async Task Csv_has_a_header_then_one_row_per_record_with_nested_objects_as_json()
    {
        var (owner, sourceId) = await SeedAsync(30);
        var reply = await SendAsync(HttpMethod.Get, $"/http-traffic-record/{sourceId}/export?format=CSV&method=GET", token: owner.Token);
        Assert.True(reply.Status == HttpStatusCode.OK, reply.Body);
        Assert.Equal("text/csv", reply.ContentType);
        Assert.Equal("attachment", reply.Message.Content.Headers.ContentDisposition?.DispositionType);

        var rows = ParseCsv(reply.Body);
        Assert.Equal(CsvHeader, rows[0]);
        var listed = await ListedOldestFirstAsync(sourceId, "method=GET", owner.Token);
        Assert.Equal(listed.Count + 1, rows.Count);
        for (var i = 0; i < listed.Count; i++)
        {
            var row = rows[i + 1];
            var view = listed[i];
            foreach (var (name, at) in CsvHeader.Select((n, at) => (n, at)))
            {
                var expected = view[name] switch
                {
                    null => "",
                    JsonObject nested => null,
                    var value when value.GetValueKind() == System.Text.Json.JsonValueKind.String => value.GetValue<string>(),
                    var value => value.ToJsonString(),
                };
                if (expected is null) Assert.True(JsonNode.DeepEquals(view[name], JsonNode.Parse(row[at])), $"{name}: {row[at]}");
                else Assert.Equal(expected, row[at]);
            }
        }
    }

    [Fact]
    public async Task Bad_input_is_400_naming_the_field_and_an_empty_export_is_only_the_header()
    {
        var (owner, sourceId) = await SeedAsync(3);
        AssertProblem(await SendAsync(HttpMethod.Get, $"/http-traffic-record/{sourceId}/export?format=xml", token: owner.Token), HttpStatusCode.BadRequest, "format");
        AssertProblem(await SendAsync(HttpMethod.Get, $"/http-traffic-record/{sourceId}/export?level=LOUD", token: owner.Token), HttpStatusCode.BadRequest, "level");
        AssertProblem(await SendAsync(HttpMethod.Get, "/http-traffic-record/not-a-uuid/export", token: owner.Token), HttpStatusCode.BadRequest, "trafficSourceId");
        AssertProblem(await SendAsync(HttpMethod.Get, $"/http-traffic-record/{Guid.CreateVersion7()}/export", token: owner.Token), HttpStatusCode.NotFound, "trafficSourceId");
        AssertProblem(await SendAsync(HttpMethod.Get, $"/http-traffic-record/{sourceId}/export"), HttpStatusCode.BadRequest);

        var ndjson = await SendAsync(HttpMethod.Get, $"/http-traffic-record/{sourceId}/export", token: owner.Token);
        Assert.Equal("application/x-ndjson", ndjson.ContentType);
        Assert.Equal(3, ndjson.Body.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        var none = await SendAsync(HttpMethod.Get, $"/http-traffic-record/{sourceId}/export?format=csv&status=404", token: owner.Token);
        Assert.Equal(HttpStatusCode.OK, none.Status);
        Assert.Equal([CsvHeader], ParseCsv(none.Body));
        var empty = await SendAsync(HttpMethod.Get, $"/http-traffic-record/{sourceId}/export?status=404", token: owner.Token);
        Assert.Equal("", empty.Body);
    }

    /// <summary>RFC 4180, independently of the server's writer: quoted fields may hold commas, doubled quotes and line breaks.</summary>
    static List<string[]> ParseCsv(string text)
    {
        var rows = new List<string[]>();
        var row = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c != '"') field.Append(c);
                else if (i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                else quoted = false;
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { row.Add(field.ToString()); field.Clear(); }
            else if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n') { }
            else if (c == '\n') { row.Add(field.ToString()); field.Clear(); rows.Add([.. row]); row.Clear(); }
            else field.Append(c);
        }
        if (field.Length > 0 || row.Count > 0) { row.Add(field.ToString()); rows.Add([.. row]); }
        return rows;
    }
}

public sealed class ExportTestsOnSqlite(SqliteApp app) : ExportTests(app), IClassFixture<SqliteApp>;

public sealed class ExportTestsOnPostgres(PostgresApp app) : ExportTests(app), IClassFixture<PostgresApp>;
