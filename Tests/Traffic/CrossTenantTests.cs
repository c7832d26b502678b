using Arkyn.Tests.Infrastructure;

namespace Arkyn.Tests.Traffic;

/// <summary>
/// Two users, each with a full set. Another user's source in the path is 403; another user's (or another
/// source's) ids nested under it are 404 exactly like ids that do not exist; and no refused call writes anything.
/// </summary>
public abstract class CrossTenantTests(ArkynApp app) : TrafficTest(app)
{
    static readonly string[] Positions = ["domainId", "pathnameId", "requestId", "responseId"];

    static string IdAt(Tenant t, string position) => position switch
    {
        "domainId" => t.DomainId,
        "pathnameId" => t.PathnameId,
        "requestId" => t.RequestId,
        "responseId" => t.ResponseId,
        _ => throw new ArgumentOutOfRangeException(nameof(position)),
    };

    static object BodyWith(Tenant caller, string position, string id) => position switch
    {
        "domainId" => TrafficBody(caller, domainId: id),
        "pathnameId" => TrafficBody(caller, pathnameId: id),
        "requestId" => TrafficBody(caller, requestId: id),
        "responseId" => TrafficBody(caller, responseId: id),
        _ => throw new ArgumentOutOfRangeException(nameof(position)),
    };

    /// <summary>
    /// Makes a call that must be refused with the status (and, when given, naming only that field), and asserts
    /// it wrote nothing: every row of every traffic table is as it was.
    /// </summary>
    async Task<JsonNode> RefusedAsync(HttpStatusCode status, string? field, string what, Func<Task<Reply>> call)
    {
        var before = await SnapshotAsync();
        var reply = await call();
        Assert.True(reply.Status == status, $"{what}: expected {(int)status}, got {(int)reply.Status}: {reply.Body}");
        var problem = AssertProblem(reply, status, field);
        if (field is not null)
            Assert.True(problem["errors"]!.AsObject().Select(p => p.Key).SequenceEqual([field]), $"{what}: only {field} may be named: {reply.Body}");
        Assert.True(before == await SnapshotAsync(), $"{what} was refused but changed the data");
        return problem;
    }

    /// <summary>What each user can list, to compare before and after all the refused calls of a test.</summary>
    async Task<string[]> AllListingsAsync(params Tenant[] tenants)
    {
        var all = new List<string>();
        foreach (var t in tenants) all.Add(await ListingsAsync(t));
        return [.. all];
    }

    [Fact]
    public async Task Each_foreign_id_in_post_http_traffic_is_404_exactly_like_an_unknown_one()
    {
        var a = await CreateTenantAsync("A");
        var b = await CreateTenantAsync("B");
        var listings = await AllListingsAsync(a, b);

        foreach (var (caller, victim) in new[] { (a, b), (b, a) })
        {
            var who = caller == a ? "A with B's" : "B with A's";
            foreach (var position in Positions)
            {
                var foreign = await RefusedAsync(HttpStatusCode.NotFound, position, $"{who} {position}",
                    () => SendAsync(HttpMethod.Post, $"/http-traffic/{caller.SourceId}", BodyWith(caller, position, IdAt(victim, position)), caller.Token));
                var unknown = await RefusedAsync(HttpStatusCode.NotFound, position, $"{who} random {position}",
                    () => SendAsync(HttpMethod.Post, $"/http-traffic/{caller.SourceId}", BodyWith(caller, position, NewId()), caller.Token));
                Assert.Equal(Shape(unknown), Shape(foreign));
            }

            // All of the other user's ids at once: the first check (the domain) answers, still as for an unknown id.
            var allForeign = await RefusedAsync(HttpStatusCode.NotFound, "domainId", $"{who} every id",
                () => SendAsync(HttpMethod.Post, $"/http-traffic/{caller.SourceId}", TrafficBody(victim), caller.Token));
            var allUnknown = await RefusedAsync(HttpStatusCode.NotFound, "domainId", $"{who} every id unknown",
                () => SendAsync(HttpMethod.Post, $"/http-traffic/{caller.SourceId}", TrafficBody(caller, NewId(), NewId(), NewId(), NewId()), caller.Token));
            Assert.Equal(Shape(allUnknown), Shape(allForeign));
        }

        Assert.Equal(listings, await AllListingsAsync(a, b));
        // The refusals attached nothing: each user can still use their own request and response.
        foreach (var t in new[] { a, b })
        {
            var own = await SendAsync(HttpMethod.Post, $"/http-traffic/{t.SourceId}", TrafficBody(t), t.Token);
            Assert.True(own.Status == HttpStatusCode.Created, own.Body);
        }
    }

    [Fact]
    public async Task Another_users_source_in_the_path_is_403_whatever_the_ids()
    {
        var a = await CreateTenantAsync("A");
        var b = await CreateTenantAsync("B");
        var listings = await AllListingsAsync(a, b);

        foreach (var (caller, victim) in new[] { (a, b), (b, a) })
        {
            var withOwnIds = await RefusedAsync(HttpStatusCode.Forbidden, null, "own ids on the other's source",
                () => SendAsync(HttpMethod.Post, $"/http-traffic/{victim.SourceId}", TrafficBody(caller), caller.Token));
            var withTheirIds = await RefusedAsync(HttpStatusCode.Forbidden, null, "the other's ids on the other's source",
                () => SendAsync(HttpMethod.Post, $"/http-traffic/{victim.SourceId}", TrafficBody(victim), caller.Token));
            var withUnknownIds = await RefusedAsync(HttpStatusCode.Forbidden, null, "unknown ids on the other's source",
                () => SendAsync(HttpMethod.Post, $"/http-traffic/{victim.SourceId}", TrafficBody(caller, NewId(), NewId(), NewId(), NewId()), caller.Token));
            Assert.Null(withOwnIds["errors"]);
            Assert.Equal(Shape(withOwnIds), Shape(withTheirIds));
            Assert.Equal(Shape(withOwnIds), Shape(withUnknownIds));
            await RefusedAsync(HttpStatusCode.NotFound, "trafficSourceId", "unknown source",
                () => SendAsync(HttpMethod.Post, $"/http-traffic/{NewId()}", TrafficBody(caller), caller.Token));
        }
        Assert.Equal(listings, await AllListingsAsync(a, b));
    }

    [Fact]
    public async Task Ids_of_the_callers_other_source_or_other_domain_are_404()
    {
        var a = await CreateTenantAsync("A");
        // A second domain (with a pathname) in the same source, and a second source with its own domain and pathname.
        var siblingDomain = await CreateDomainAsync(a.Account, a.SourceId);
        var siblingPathname = await CreatePathnameAsync(a.Account, a.SourceId, siblingDomain);
        var otherSource = await CreateSourceAsync(a.Account);
        var otherDomain = await CreateDomainAsync(a.Account, otherSource);
        var otherPathname = await CreatePathnameAsync(a.Account, otherSource, otherDomain);
        var listings = await AllListingsAsync(a);
        var post = (object body) => SendAsync(HttpMethod.Post, $"/http-traffic/{a.SourceId}", body, a.Token);

        var unknownPathname = await RefusedAsync(HttpStatusCode.NotFound, "pathnameId", "random pathname", () => post(TrafficBody(a, pathnameId: NewId())));
        var pathnameOfOtherSource = await RefusedAsync(HttpStatusCode.NotFound, "pathnameId", "pathname of another source",
            () => post(TrafficBody(a, pathnameId: otherPathname)));
        var pathnameOfOtherDomain = await RefusedAsync(HttpStatusCode.NotFound, "pathnameId", "pathname of another domain of the same source",
            () => post(TrafficBody(a, pathnameId: siblingPathname)));
        var pathnameWithItsDomainSwapped = await RefusedAsync(HttpStatusCode.NotFound, "pathnameId", "the domain's sibling with the tenant's pathname",
            () => post(TrafficBody(a, domainId: siblingDomain)));
        Assert.Equal(Shape(unknownPathname), Shape(pathnameOfOtherSource));
        Assert.Equal(Shape(unknownPathname), Shape(pathnameOfOtherDomain));
        Assert.Equal(Shape(unknownPathname), Shape(pathnameWithItsDomainSwapped));

        var unknownDomain = await RefusedAsync(HttpStatusCode.NotFound, "domainId", "random domain", () => post(TrafficBody(a, domainId: NewId())));
        var domainOfOtherSource = await RefusedAsync(HttpStatusCode.NotFound, "domainId", "domain and pathname of another source",
            () => post(TrafficBody(a, domainId: otherDomain, pathnameId: otherPathname)));
        Assert.Equal(Shape(unknownDomain), Shape(domainOfOtherSource));

        Assert.Equal(listings, await AllListingsAsync(a));
        // The same ids are fine on their own source.
        var onOther = await SendAsync(HttpMethod.Post, $"/http-traffic/{otherSource}", TrafficBody(a, otherDomain, otherPathname), a.Token);
        Assert.True(onOther.Status == HttpStatusCode.Created, onOther.Body);
    }

    [Fact]
    public async Task Another_user_can_neither_read_change_nor_delete_a_tenants_resources()
    {
        var a = await CreateTenantAsync("A");
        var traffic = (await CreateTrafficAsync(a))["id"]!.GetValue<string>();
        var b = await CreateTenantAsync("B");
        var listings = await AllListingsAsync(a, b);

        var forbidden = new (string What, Func<Task<Reply>> Call)[]
        {
            ("PUT source", () => SendAsync(HttpMethod.Put, $"/traffic-source/{a.SourceId}", new { name = "Hijacked", trafficDomain = "evil.example.com" }, b.Token)),
            ("DELETE source", () => SendAsync(HttpMethod.Delete, $"/traffic-source/{a.SourceId}", token: b.Token)),
            ("GET domains", () => SendAsync(HttpMethod.Get, $"/domain/{a.SourceId}", token: b.Token)),
            ("POST domain", () => SendAsync(HttpMethod.Post, $"/domain/{a.SourceId}", new { value = "evil.example.com", protocol = "HTTPS" }, b.Token)),
            ("DELETE domain", () => SendAsync(HttpMethod.Delete, $"/domain/{a.DomainId}", token: b.Token)),
            ("GET pathnames", () => SendAsync(HttpMethod.Get, $"/pathname/{a.SourceId}/{a.DomainId}", token: b.Token)),
            ("POST pathname", () => SendAsync(HttpMethod.Post, $"/pathname/{a.SourceId}/{a.DomainId}", new { value = "/evil" }, b.Token)),
            ("POST pathname on B's domain", () => SendAsync(HttpMethod.Post, $"/pathname/{a.SourceId}/{b.DomainId}", new { value = "/evil" }, b.Token)),
            ("DELETE pathname", () => SendAsync(HttpMethod.Delete, $"/pathname/{a.PathnameId}", token: b.Token)),
            ("GET traffic", () => SendAsync(HttpMethod.Get, $"/http-traffic/{a.SourceId}", token: b.Token)),
            ("POST traffic", () => SendAsync(HttpMethod.Post, $"/http-traffic/{a.SourceId}", TrafficBody(b), b.Token)),
            ("DELETE traffic", () => SendAsync(HttpMethod.Delete, $"/http-traffic/{traffic}", token: b.Token)),
        };
        foreach (var (what, call) in forbidden)
        {
            var problem = await RefusedAsync(HttpStatusCode.Forbidden, null, what, call);
            Assert.Null(problem["errors"]);
        }

        // Ids nested under B's own source: A's domain is as unknown as a random id.
        var nested = new (string What, string Field, Func<string, Task<Reply>> Call)[]
        {
            ("GET pathnames of A's domain", "domainId", id => SendAsync(HttpMethod.Get, $"/pathname/{b.SourceId}/{id}", token: b.Token)),
            ("POST pathname on A's domain", "domainId", id => SendAsync(HttpMethod.Post, $"/pathname/{b.SourceId}/{id}", new { value = "/evil" }, b.Token)),
        };
        foreach (var (what, field, call) in nested)
        {
            var foreign = await RefusedAsync(HttpStatusCode.NotFound, field, what, () => call(a.DomainId));
            var unknown = await RefusedAsync(HttpStatusCode.NotFound, field, what + " (random)", () => call(NewId()));
            Assert.Equal(Shape(unknown), Shape(foreign));
        }

        Assert.Equal(listings, await AllListingsAsync(a, b));
        // B's own listing does not show A's source.
        var sources = await SendAsync(HttpMethod.Get, "/traffic-source", token: b.Token);
        Assert.DoesNotContain(a.SourceId, sources.Body);
    }
    /// <summary>
    /// The matrix of every route under a traffic source, for three callers: its owner, a read-only member and a stranger.
    /// Read routes answer the member exactly what they answer the owner; everything else refuses the member as it
    /// refuses a stranger (403, nothing written), then works for the owner.
    /// </summary>
    [Fact]
    public async Task Owner_member_and_stranger_on_every_route()
    {
        var a = await CreateTenantAsync("Owner");
        var traffic = (await CreateTrafficAsync(a))["id"]!.GetValue<string>();
        var member = await AccountAsync("Member");
        var stranger = await CreateTenantAsync("Stranger");
        var added = await SendAsync(HttpMethod.Post, $"/traffic-source/{a.SourceId}/members", new { email = member.Email, role = "READ_ONLY" }, a.Token);
        Assert.True(added.Status == HttpStatusCode.Created, added.Body);
        var key = await SendAsync(HttpMethod.Post, $"/traffic-source/{a.SourceId}/ingest-keys", new { name = "agent" }, a.Token);
        var keyId = Id(key);
        var spareDomain = await CreateDomainAsync(a.Account, a.SourceId);
        var sparePathname = await CreatePathnameAsync(a.Account, a.SourceId, a.DomainId);
        var record = new { domainUrl = "https://api.example.com", pathnameUrl = "/users/1", method = "GET", status = 200, elapsedTime = 5,
            requestHeaders = new { }, queryParams = new { }, responseHeaders = new { } };
        var other = await AccountAsync("Other");

        var reads = new (string What, string Path)[]
        {
            ("GET domains", $"/domain/{a.SourceId}"),
            ("GET pathnames", $"/pathname/{a.SourceId}/{a.DomainId}"),
            ("GET traffic", $"/http-traffic/{a.SourceId}"),
            ("GET records", $"/http-traffic-record/{a.SourceId}"),
            ("GET one record", $"/http-traffic-record/{a.SourceId}/{traffic}"),
            ("GET export ndjson", $"/http-traffic-record/{a.SourceId}/export"),
            ("GET export csv", $"/http-traffic-record/{a.SourceId}/export?format=csv"),
            ("GET stats", $"/http-traffic-stats/{a.SourceId}?startDate={DateTime.UtcNow.AddDays(-1):yyyy-MM-dd}T00:00:00Z&endDate={DateTime.UtcNow.AddDays(2):yyyy-MM-dd}T00:00:00Z"),
        };
        foreach (var (what, path) in reads)
        {
            var owner = await SendAsync(HttpMethod.Get, path, token: a.Token);
            Assert.True(owner.Status == HttpStatusCode.OK, $"{what} as owner: {(int)owner.Status} {owner.Body}");
            var asMember = await SendAsync(HttpMethod.Get, path, token: member.Token);
            Assert.True(asMember.Status == HttpStatusCode.OK, $"{what} as member: {(int)asMember.Status} {asMember.Body}");
            Assert.Equal(owner.Body, asMember.Body);
            await RefusedAsync(HttpStatusCode.Forbidden, null, $"{what} as stranger", () => SendAsync(HttpMethod.Get, path, token: stranger.Token));
        }

        // In this order, so each owner call leaves what the next ones need.
        var writes = new (string What, HttpStatusCode Owner, Func<string, Task<Reply>> Call)[]
        {
            ("PUT source", HttpStatusCode.OK, t => SendAsync(HttpMethod.Put, $"/traffic-source/{a.SourceId}", new { name = "Renamed", retentionDays = 7 }, t)),
            ("POST domain", HttpStatusCode.Created, t => SendAsync(HttpMethod.Post, $"/domain/{a.SourceId}", new { value = "new.example.com", protocol = "HTTPS" }, t)),
            ("POST pathname", HttpStatusCode.Created, t => SendAsync(HttpMethod.Post, $"/pathname/{a.SourceId}/{a.DomainId}", new { value = "/new" }, t)),
            ("POST traffic", HttpStatusCode.Created, t => SendAsync(HttpMethod.Post, $"/http-traffic/{a.SourceId}", TrafficBody(a), t)),
            ("POST record", HttpStatusCode.Created, t => SendAsync(HttpMethod.Post, $"/http-traffic-record/{a.SourceId}", record, t)),
            ("POST batch", HttpStatusCode.MultiStatus, t => SendAsync(HttpMethod.Post, $"/http-traffic-record/{a.SourceId}/batch", new { records = new[] { record } }, t)),
            ("GET ingest keys", HttpStatusCode.OK, t => SendAsync(HttpMethod.Get, $"/traffic-source/{a.SourceId}/ingest-keys", token: t)),
            ("POST ingest key", HttpStatusCode.Created, t => SendAsync(HttpMethod.Post, $"/traffic-source/{a.SourceId}/ingest-keys", new { name = "x" }, t)),
            ("DELETE ingest key", HttpStatusCode.NoContent, t => SendAsync(HttpMethod.Delete, $"/ingest-key/{keyId}", token: t)),
            ("GET members", HttpStatusCode.OK, t => SendAsync(HttpMethod.Get, $"/traffic-source/{a.SourceId}/members", token: t)),
            ("POST member", HttpStatusCode.Created, t => SendAsync(HttpMethod.Post, $"/traffic-source/{a.SourceId}/members", new { email = other.Email, role = "READ_ONLY" }, t)),
            ("DELETE member", HttpStatusCode.NoContent, t => SendAsync(HttpMethod.Delete, $"/traffic-source/{a.SourceId}/members/{other.Id}", token: t)),
            ("DELETE traffic", HttpStatusCode.NoContent, t => SendAsync(HttpMethod.Delete, $"/http-traffic/{traffic}", token: t)),
            ("DELETE pathname", HttpStatusCode.NoContent, t => SendAsync(HttpMethod.Delete, $"/pathname/{sparePathname}", token: t)),
            ("DELETE domain", HttpStatusCode.NoContent, t => SendAsync(HttpMethod.Delete, $"/domain/{spareDomain}", token: t)),
            ("DELETE source", HttpStatusCode.NoContent, t => SendAsync(HttpMethod.Delete, $"/traffic-source/{a.SourceId}", token: t)),
        };
        foreach (var (what, ownerStatus, call) in writes)
        {
            var byMember = await RefusedAsync(HttpStatusCode.Forbidden, null, $"{what} as member", () => call(member.Token));
            var byStranger = await RefusedAsync(HttpStatusCode.Forbidden, null, $"{what} as stranger", () => call(stranger.Token));
            Assert.Null(byMember["errors"]);
            Assert.Null(byStranger["errors"]);
            var owner = await call(a.Token);
            Assert.True(owner.Status == ownerStatus, $"{what} as owner: expected {(int)ownerStatus}, got {(int)owner.Status}: {owner.Body}");
        }
    }

}

public sealed class CrossTenantTestsOnSqlite(SqliteApp app) : CrossTenantTests(app), IClassFixture<SqliteApp>;

public sealed class CrossTenantTestsOnPostgres(PostgresApp app) : CrossTenantTests(app), IClassFixture<PostgresApp>;
