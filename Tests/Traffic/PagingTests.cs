using Arkyn.Tests.Infrastructure;

namespace Arkyn.Tests.Traffic;

/// <summary>?page and ?pageLimit (alias limit) on every list route: newest first, stable pages, meta, and 400s.</summary>
public abstract class PagingTests(ArkynApp app) : TrafficTest(app)
{
    /// <summary>06/11/2025 at 15:27:01 UTC, the published example's createdAt, in Unix milliseconds.</summary>
    const long ExampleTime = 1_749_655_621_000;

    /// <summary>Traffic records whose created_at is set one second apart in creation order: their order is then certain.</summary>
    async Task<(Tenant Tenant, List<string> Created)> RecordsAsync(int count)
    {
        var t = await CreateTenantAsync();
        var created = new List<string>();
        for (var i = 0; i < count; i++)
            created.Add((await CreateTrafficAsync(t.Account, t.SourceId, t.DomainId, t.PathnameId))["id"]!.GetValue<string>());
        for (var i = 0; i < created.Count; i++)
            await ExecuteSqlAsync($"UPDATE http_traffic SET created_at = {ExampleTime + i * 1000L} WHERE id = '{created[i]}'");
        return (t, created);
    }

    async Task<(List<string> Ids, JsonNode Meta, JsonArray Data)> PageAsync(Tenant t, string query)
    {
        var reply = await SendAsync(HttpMethod.Get, $"/http-traffic/{t.SourceId}?{query}", token: t.Token);
        Assert.True(reply.Status == HttpStatusCode.OK, $"?{query}: {reply.Body}");
        var data = reply.Json["data"]!.AsArray();
        return (data.Select(d => d!["id"]!.GetValue<string>()).ToList(), reply.Json["meta"]!, data);
    }

    static void AssertMeta(JsonNode meta, int page, int pageLimit, int totalItems) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse($$"""{"page":{{page}},"pageLimit":{{pageLimit}},"totalItems":{{totalItems}}}"""), meta), meta.ToJsonString());

    [Fact]
    public async Task Twenty_five_records_in_pages_of_ten_are_three_pages_newest_first()
    {
        var (t, created) = await RecordsAsync(25);
        var newestFirst = Enumerable.Reverse(created).ToList();

        var page1 = await PageAsync(t, "page=1&pageLimit=10");
        var page2 = await PageAsync(t, "page=2&pageLimit=10");
        var page3 = await PageAsync(t, "page=3&pageLimit=10");
        var page4 = await PageAsync(t, "page=4&pageLimit=10");

        AssertMeta(page1.Meta, 1, 10, 25);
        AssertMeta(page2.Meta, 2, 10, 25);
        AssertMeta(page3.Meta, 3, 10, 25);
        AssertMeta(page4.Meta, 4, 10, 25);
        Assert.Equal(newestFirst[..10], page1.Ids);
        Assert.Equal(newestFirst[10..20], page2.Ids);
        Assert.Equal(newestFirst[20..], page3.Ids);
        Assert.Empty(page4.Ids);
        Assert.Equal(25, page1.Ids.Concat(page2.Ids).Concat(page3.Ids).Distinct().Count());
        Assert.Equal("06/11/2025 at 15:27:25", page1.Data[0]!["createdAt"]!.GetValue<string>());
        Assert.Equal("06/11/2025 at 15:27:01", page3.Data[^1]!["createdAt"]!.GetValue<string>());

        // limit is an alias of pageLimit; the default is 20; 1 and 100 are the bounds.
        var byLimit = await PageAsync(t, "limit=10");
        AssertMeta(byLimit.Meta, 1, 10, 25);
        Assert.Equal(newestFirst[..10], byLimit.Ids);
        var secondOfFive = await PageAsync(t, "limit=5&page=2");
        AssertMeta(secondOfFive.Meta, 2, 5, 25);
        Assert.Equal(newestFirst[5..10], secondOfFive.Ids);
        var byDefault = await PageAsync(t, "");
        AssertMeta(byDefault.Meta, 1, 20, 25);
        Assert.Equal(newestFirst[..20], byDefault.Ids);
        var hundred = await PageAsync(t, "pageLimit=100");
        AssertMeta(hundred.Meta, 1, 100, 25);
        Assert.Equal(newestFirst, hundred.Ids);
        var last = await PageAsync(t, "pageLimit=1&page=25");
        Assert.Equal([created[0]], last.Ids);
    }

    [Fact]
    public async Task Pages_neither_repeat_nor_skip_records_when_timestamps_tie()
    {
        var (t, created) = await RecordsAsync(12);
        await ExecuteSqlAsync($"UPDATE http_traffic SET created_at = {ExampleTime} WHERE traffic_source_id = '{t.SourceId}'");

        foreach (var size in new[] { 5, 7 })
        {
            var seen = new List<string>();
            for (var page = 1; page <= (created.Count + size - 1) / size; page++)
                seen.AddRange((await PageAsync(t, $"page={page}&pageLimit={size}")).Ids);
            Assert.Equal(created.Order(), seen.Order());
        }
    }

    [Fact]
    public async Task Invalid_paging_on_every_list_is_400_naming_the_parameter()
    {
        var t = await CreateTenantAsync();
        var lists = new[] { "/traffic-source", $"/domain/{t.SourceId}", $"/pathname/{t.SourceId}/{t.DomainId}", $"/http-traffic/{t.SourceId}" };
        var invalid = new (string Query, string Field)[]
        {
            ("pageLimit=0", "pageLimit"), ("pageLimit=101", "pageLimit"), ("pageLimit=-5", "pageLimit"), ("pageLimit=abc", "pageLimit"),
            ("limit=0", "limit"), ("limit=101", "limit"), ("page=0", "page"), ("page=-1", "page"), ("page=x", "page"),
        };
        foreach (var list in lists)
            foreach (var (query, field) in invalid)
            {
                var reply = await SendAsync(HttpMethod.Get, $"{list}?{query}", token: t.Token);
                Assert.True(reply.Status == HttpStatusCode.BadRequest, $"{list}?{query}: {(int)reply.Status} {reply.Body}");
                AssertProblem(reply, HttpStatusCode.BadRequest, field);
            }
    }

    [Fact]
    public async Task A_page_far_past_the_end_is_empty_or_a_400_on_every_list()
    {
        var t = await CreateTenantAsync();
        await CreateTrafficAsync(t);
        var lists = new[] { "/traffic-source", $"/domain/{t.SourceId}", $"/pathname/{t.SourceId}/{t.DomainId}", $"/http-traffic/{t.SourceId}" };
        // (page - 1) × pageLimit is past int.MaxValue for all of these.
        var queries = new[] { "page=2147483647&pageLimit=100", "page=21474838&pageLimit=100", "page=2147483647", "page=107374184&limit=20" };
        var failures = new List<string>();

        foreach (var list in lists)
            foreach (var query in queries)
            {
                var reply = await SendAsync(HttpMethod.Get, $"{list}?{query}", token: t.Token);
                var fine = reply.Status switch
                {
                    HttpStatusCode.OK => reply.Json["data"]!.AsArray().Count == 0 && reply.Json["meta"]!["totalItems"]!.GetValue<int>() == 1,
                    HttpStatusCode.BadRequest => reply.Json["errors"]?["page"] is not null,
                    _ => false,
                };
                if (!fine) failures.Add($"GET {list}?{query} → {(int)reply.Status} {reply.Body}");
            }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public async Task Sources_domains_and_pathnames_page_newest_first_too()
    {
        var account = await AccountAsync();
        var sources = new List<string>();
        for (var i = 0; i < 3; i++) sources.Add(await CreateSourceAsync(account));
        var domains = new List<string>();
        for (var i = 0; i < 3; i++) domains.Add(await CreateDomainAsync(account, sources[0]));
        var pathnames = new List<string>();
        for (var i = 0; i < 3; i++) pathnames.Add(await CreatePathnameAsync(account, sources[0], domains[0]));
        foreach (var (table, ids) in new[] { ("traffic_sources", sources), ("domains", domains), ("pathnames", pathnames) })
            for (var i = 0; i < ids.Count; i++)
                await ExecuteSqlAsync($"UPDATE {table} SET created_at = {ExampleTime + i * 1000L} WHERE id = '{ids[i]}'");

        foreach (var (path, ids) in new[] { ("/traffic-source", sources), ($"/domain/{sources[0]}", domains), ($"/pathname/{sources[0]}/{domains[0]}", pathnames) })
        {
            var first = await SendAsync(HttpMethod.Get, $"{path}?pageLimit=2", token: account.Token);
            var second = await SendAsync(HttpMethod.Get, $"{path}?pageLimit=2&page=2", token: account.Token);
            Assert.Equal(HttpStatusCode.OK, first.Status);
            Assert.Equal(["data", "meta"], first.Json.AsObject().Select(p => p.Key));
            AssertMeta(first.Json["meta"]!, 1, 2, 3);
            AssertMeta(second.Json["meta"]!, 2, 2, 3);
            var listed = first.Json["data"]!.AsArray().Concat(second.Json["data"]!.AsArray()).Select(n => n!["id"]!.GetValue<string>());
            Assert.Equal(Enumerable.Reverse(ids), listed);
        }
    }
}

public sealed class PagingTestsOnSqlite(SqliteApp app) : PagingTests(app), IClassFixture<SqliteApp>;

public sealed class PagingTestsOnPostgres(PostgresApp app) : PagingTests(app), IClassFixture<PostgresApp>;
