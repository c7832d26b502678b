using Arkyn.Tests.Infrastructure;

namespace Arkyn.Tests.Traffic;

/// <summary>
/// Deletes remove exactly what is under the deleted thing (traffic with its requests and responses included)
/// and nothing else, in one transaction.
/// </summary>
public abstract class CascadeTests(ArkynApp app) : TrafficTest(app)
{
    /// <summary>
    /// One user's source S with domains D1 (pathnames P1a, P1b) and D2 (pathname P2): two traffic records on P1a,
    /// one on P1b, one on P2. The same user also has a second source with one traffic record and an unattached
    /// request and response; another user has a full set with one traffic record.
    /// </summary>
    sealed record World(
        Account Owner, string Source, string D1, string P1a, string P1b, string D2, string P2,
        JsonNode[] TrafficP1a, JsonNode TrafficP1b, JsonNode TrafficP2,
        Tenant SecondSource, JsonNode SecondTraffic, string LooseRequest, string LooseResponse,
        Tenant Stranger, JsonNode StrangerTraffic);

    async Task<World> BuildAsync()
    {
        var owner = await AccountAsync("Owner");
        var source = await CreateSourceAsync(owner);
        var d1 = await CreateDomainAsync(owner, source);
        var p1a = await CreatePathnameAsync(owner, source, d1, "/a");
        var p1b = await CreatePathnameAsync(owner, source, d1, "/b");
        var d2 = await CreateDomainAsync(owner, source);
        var p2 = await CreatePathnameAsync(owner, source, d2, "/a");
        var trafficP1a = new[] { await CreateTrafficAsync(owner, source, d1, p1a), await CreateTrafficAsync(owner, source, d1, p1a) };
        var trafficP1b = await CreateTrafficAsync(owner, source, d1, p1b);
        var trafficP2 = await CreateTrafficAsync(owner, source, d2, p2);

        var second = await CreateTenantAsync(owner);
        var secondTraffic = await CreateTrafficAsync(second);
        var stranger = await CreateTenantAsync("Stranger");
        var strangerTraffic = await CreateTrafficAsync(stranger);
        return new World(owner, source, d1, p1a, p1b, d2, p2, trafficP1a, trafficP1b, trafficP2,
            second, secondTraffic, second.RequestId, second.ResponseId, stranger, strangerTraffic);
    }

    static string Ids(IEnumerable<JsonNode> traffic, string field) => string.Join(", ", traffic.Select(t => $"'{t[field]!.GetValue<string>()}'"));

    /// <summary>Asserts the listed traffic records are gone with their requests and responses.</summary>
    async Task AssertGoneAsync(params JsonNode[] traffic)
    {
        Assert.Equal(0, await CountAsync("http_traffic", $"id IN ({Ids(traffic, "id")})"));
        Assert.Equal(0, await CountAsync("requests", $"id IN ({Ids(traffic, "requestId")})"));
        Assert.Equal(0, await CountAsync("responses", $"id IN ({Ids(traffic, "responseId")})"));
    }

    /// <summary>Asserts the listed traffic records are there with their requests and responses.</summary>
    async Task AssertKeptAsync(params JsonNode[] traffic)
    {
        Assert.Equal(traffic.Length, await CountAsync("http_traffic", $"id IN ({Ids(traffic, "id")})"));
        Assert.Equal(traffic.Length, await CountAsync("requests", $"id IN ({Ids(traffic, "requestId")})"));
        Assert.Equal(traffic.Length, await CountAsync("responses", $"id IN ({Ids(traffic, "responseId")})"));
    }

    /// <summary>Everything outside the owner's first source is untouched (the owner's list of sources may lose that one).</summary>
    async Task AssertOthersKeptAsync(World w, string secondListings, string strangerListings)
    {
        await AssertKeptAsync(w.SecondTraffic, w.StrangerTraffic);
        Assert.Equal(1, await CountAsync("requests", $"id = '{w.LooseRequest}'"));
        Assert.Equal(1, await CountAsync("responses", $"id = '{w.LooseResponse}'"));
        Assert.Equal(secondListings, await ListingsAsync(w.SecondSource, withSources: false));
        Assert.Equal(strangerListings, await ListingsAsync(w.Stranger));
    }

    static long[] Minus(long[] counts, long sources = 0, long domains = 0, long pathnames = 0, long requests = 0, long responses = 0, long traffic = 0) =>
        [counts[0] - sources, counts[1] - domains, counts[2] - pathnames, counts[3] - requests, counts[4] - responses, counts[5] - traffic];

    [Fact]
    public async Task Deleting_a_source_removes_its_domains_pathnames_traffic_requests_and_responses_only()
    {
        var w = await BuildAsync();
        var before = await CountsAsync();
        var (second, stranger) = (await ListingsAsync(w.SecondSource, withSources: false), await ListingsAsync(w.Stranger));

        var reply = await SendAsync(HttpMethod.Delete, $"/traffic-source/{w.Source}", token: w.Owner.Token);

        Assert.Equal(HttpStatusCode.NoContent, reply.Status);
        Assert.Equal("", reply.Body);
        Assert.Equal(Minus(before, sources: 1, domains: 2, pathnames: 3, requests: 4, responses: 4, traffic: 4), await CountsAsync());
        Assert.Equal(0, await CountAsync("traffic_sources", $"id = '{w.Source}'"));
        Assert.Equal(0, await CountAsync("domains", $"traffic_source_id = '{w.Source}'"));
        Assert.Equal(0, await CountAsync("pathnames", $"traffic_source_id = '{w.Source}'"));
        await AssertGoneAsync([.. w.TrafficP1a, w.TrafficP1b, w.TrafficP2]);
        await AssertOthersKeptAsync(w, second, stranger);

        var sources = await SendAsync(HttpMethod.Get, "/traffic-source", token: w.Owner.Token);
        Assert.Equal([w.SecondSource.SourceId], sources.Json["data"]!.AsArray().Select(s => s!["id"]!.GetValue<string>()));
        AssertProblem(await SendAsync(HttpMethod.Get, $"/domain/{w.Source}", token: w.Owner.Token), HttpStatusCode.NotFound, "trafficSourceId");
        AssertProblem(await SendAsync(HttpMethod.Get, $"/http-traffic/{w.Source}", token: w.Owner.Token), HttpStatusCode.NotFound, "trafficSourceId");
        AssertProblem(await SendAsync(HttpMethod.Delete, $"/traffic-source/{w.Source}", token: w.Owner.Token), HttpStatusCode.NotFound, "trafficSourceId");
    }

    [Fact]
    public async Task Deleting_a_domain_removes_its_pathnames_and_their_traffic_only()
    {
        var w = await BuildAsync();
        var before = await CountsAsync();
        var (second, stranger) = (await ListingsAsync(w.SecondSource, withSources: false), await ListingsAsync(w.Stranger));

        var reply = await SendAsync(HttpMethod.Delete, $"/domain/{w.D1}", token: w.Owner.Token);

        Assert.Equal(HttpStatusCode.NoContent, reply.Status);
        Assert.Equal(Minus(before, domains: 1, pathnames: 2, requests: 3, responses: 3, traffic: 3), await CountsAsync());
        Assert.Equal(0, await CountAsync("pathnames", $"domain_id = '{w.D1}'"));
        await AssertGoneAsync([.. w.TrafficP1a, w.TrafficP1b]);
        await AssertKeptAsync(w.TrafficP2);
        await AssertOthersKeptAsync(w, second, stranger);

        var domains = await SendAsync(HttpMethod.Get, $"/domain/{w.Source}", token: w.Owner.Token);
        Assert.Equal([w.D2], domains.Json["data"]!.AsArray().Select(d => d!["id"]!.GetValue<string>()));
        var traffic = await SendAsync(HttpMethod.Get, $"/http-traffic/{w.Source}", token: w.Owner.Token);
        Assert.Equal([w.TrafficP2["id"]!.GetValue<string>()], traffic.Json["data"]!.AsArray().Select(t => t!["id"]!.GetValue<string>()));
        AssertProblem(await SendAsync(HttpMethod.Get, $"/pathname/{w.Source}/{w.D1}", token: w.Owner.Token), HttpStatusCode.NotFound, "domainId");
        AssertProblem(await SendAsync(HttpMethod.Delete, $"/domain/{w.D1}", token: w.Owner.Token), HttpStatusCode.NotFound, "domainId");
    }

    [Fact]
    public async Task Deleting_a_pathname_removes_its_traffic_only()
    {
        var w = await BuildAsync();
        var before = await CountsAsync();
        var (second, stranger) = (await ListingsAsync(w.SecondSource, withSources: false), await ListingsAsync(w.Stranger));

        var reply = await SendAsync(HttpMethod.Delete, $"/pathname/{w.P1a}", token: w.Owner.Token);

        Assert.Equal(HttpStatusCode.NoContent, reply.Status);
        Assert.Equal(Minus(before, pathnames: 1, requests: 2, responses: 2, traffic: 2), await CountsAsync());
        await AssertGoneAsync(w.TrafficP1a);
        await AssertKeptAsync(w.TrafficP1b, w.TrafficP2);
        await AssertOthersKeptAsync(w, second, stranger);

        var pathnames = await SendAsync(HttpMethod.Get, $"/pathname/{w.Source}/{w.D1}", token: w.Owner.Token);
        Assert.Equal([w.P1b], pathnames.Json["data"]!.AsArray().Select(p => p!["id"]!.GetValue<string>()));
        // The same value in the other domain is another pathname and stays.
        Assert.Equal(1, await CountAsync("pathnames", $"id = '{w.P2}'"));
        AssertProblem(await SendAsync(HttpMethod.Delete, $"/pathname/{w.P1a}", token: w.Owner.Token), HttpStatusCode.NotFound, "pathnameId");
    }

    [Fact]
    public async Task Deleting_traffic_removes_its_request_and_response_only()
    {
        var w = await BuildAsync();
        var before = await CountsAsync();
        var (second, stranger) = (await ListingsAsync(w.SecondSource, withSources: false), await ListingsAsync(w.Stranger));
        var target = w.TrafficP1a[0];

        var reply = await SendAsync(HttpMethod.Delete, $"/http-traffic/{target["id"]}", token: w.Owner.Token);

        Assert.Equal(HttpStatusCode.NoContent, reply.Status);
        Assert.Equal(Minus(before, requests: 1, responses: 1, traffic: 1), await CountsAsync());
        await AssertGoneAsync(target);
        await AssertKeptAsync(w.TrafficP1a[1], w.TrafficP1b, w.TrafficP2);
        await AssertOthersKeptAsync(w, second, stranger);
        AssertProblem(await SendAsync(HttpMethod.Delete, $"/http-traffic/{target["id"]}", token: w.Owner.Token), HttpStatusCode.NotFound, "httpTrafficId");

        // Its request is gone, so it cannot be attached again.
        var reuse = await SendAsync(HttpMethod.Post, $"/http-traffic/{w.Source}", new
        {
            status = 200, method = "GET", elapsedTime = 1, domainId = w.D1, pathnameId = w.P1a,
            requestId = target["requestId"]!.GetValue<string>(), responseId = await CreateResponseAsync(w.Owner),
        }, w.Owner.Token);
        AssertProblem(reuse, HttpStatusCode.NotFound, "requestId");
    }

    // ---- one transaction: a delete that fails on its last statement leaves everything in place ----

    async Task RefuseDeletesOnAsync(string table, string id)
    {
        if (App.Engine == Engine.Sqlite)
            await ExecuteSqlAsync($"CREATE TRIGGER refuse_{table} BEFORE DELETE ON {table} WHEN OLD.id = '{id}' BEGIN SELECT RAISE(ABORT, 'refused by test'); END");
        else
        {
            await ExecuteSqlAsync("CREATE OR REPLACE FUNCTION refuse_delete() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused by test'; END $$");
            await ExecuteSqlAsync($"CREATE TRIGGER refuse_{table} BEFORE DELETE ON {table} FOR EACH ROW WHEN (OLD.id = '{id}') EXECUTE FUNCTION refuse_delete()");
        }
    }

    Task AllowDeletesOnAsync(string table) =>
        ExecuteSqlAsync(App.Engine == Engine.Sqlite ? $"DROP TRIGGER IF EXISTS refuse_{table}" : $"DROP TRIGGER IF EXISTS refuse_{table} ON {table}");

    [Fact]
    public async Task A_source_delete_that_fails_at_the_end_removes_nothing()
    {
        var w = await BuildAsync();
        await RefuseDeletesOnAsync("traffic_sources", w.Source);
        try
        {
            var before = await SnapshotAsync();
            var listings = await ListingsAsync(new Tenant(w.Owner, w.Source, w.D1, w.P1a, "", ""));

            var reply = await SendAsync(HttpMethod.Delete, $"/traffic-source/{w.Source}", token: w.Owner.Token);

            AssertProblem(reply, HttpStatusCode.InternalServerError);
            Assert.DoesNotContain("refused by test", reply.Body);
            Assert.Equal(before, await SnapshotAsync());
            await AssertKeptAsync([.. w.TrafficP1a, w.TrafficP1b, w.TrafficP2]);
            Assert.Equal(listings, await ListingsAsync(new Tenant(w.Owner, w.Source, w.D1, w.P1a, "", "")));
        }
        finally
        {
            await AllowDeletesOnAsync("traffic_sources");
        }
        Assert.Equal(HttpStatusCode.NoContent, (await SendAsync(HttpMethod.Delete, $"/traffic-source/{w.Source}", token: w.Owner.Token)).Status);
    }

    [Fact]
    public async Task A_traffic_delete_that_fails_at_the_end_keeps_its_request_and_response()
    {
        var t = await CreateTenantAsync();
        var target = await CreateTrafficAsync(t);
        await RefuseDeletesOnAsync("http_traffic", target["id"]!.GetValue<string>());
        try
        {
            var before = await SnapshotAsync();

            var reply = await SendAsync(HttpMethod.Delete, $"/http-traffic/{target["id"]}", token: t.Token);

            AssertProblem(reply, HttpStatusCode.InternalServerError);
            Assert.Equal(before, await SnapshotAsync());
            await AssertKeptAsync(target);
        }
        finally
        {
            await AllowDeletesOnAsync("http_traffic");
        }
        Assert.Equal(HttpStatusCode.NoContent, (await SendAsync(HttpMethod.Delete, $"/http-traffic/{target["id"]}", token: t.Token)).Status);
        await AssertGoneAsync(target);
    }
}

public sealed class CascadeTestsOnSqlite(SqliteApp app) : CascadeTests(app), IClassFixture<SqliteApp>;

public sealed class CascadeTestsOnPostgres(PostgresApp app) : CascadeTests(app), IClassFixture<PostgresApp>;
