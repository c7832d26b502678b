using Arkyn.Tests.Infrastructure;
using Arkyn.Tests.Traffic;

namespace Arkyn.Tests.Members;

/// <summary>The members routes: who may add, list and remove, what a member then sees, and that removal is felt at once.</summary>
public abstract class MemberTests(ArkynApp app) : TrafficTest(app)
{
    async Task<Reply> AddAsync(Tenant owner, string email, string role = "READ_ONLY", string? token = null) =>
        await SendAsync(HttpMethod.Post, $"/traffic-source/{owner.SourceId}/members", new { email, role }, token ?? owner.Token);

    [Fact]
    public async Task The_owner_adds_lists_and_removes_a_member_by_email()
    {
        var owner = await CreateTenantAsync("Owner");
        var reader = await AccountAsync("Reader");

        var added = await AddAsync(owner, reader.Email.ToUpperInvariant(), "read_only");
        Assert.True(added.Status == HttpStatusCode.Created, added.Body);
        Assert.Equal(["userId", "email", "name", "role", "createdAt"], added.Json.AsObject().Select(p => p.Key));
        Assert.Equal(reader.Id, added.Json["userId"]!.GetValue<string>());
        Assert.Equal(reader.Email, added.Json["email"]!.GetValue<string>());
        Assert.Equal("Reader", added.Json["name"]!.GetValue<string>());
        Assert.Equal("READ_ONLY", added.Json["role"]!.GetValue<string>());
        Assert.Matches(ArkynTimestamp, added.Json["createdAt"]!.GetValue<string>());

        var list = await SendAsync(HttpMethod.Get, $"/traffic-source/{owner.SourceId}/members", token: owner.Token);
        Assert.True(list.Status == HttpStatusCode.OK, list.Body);
        Assert.Equal(1, list.Json["meta"]!["totalItems"]!.GetValue<int>());
        Assert.Equal(added.Json.ToJsonString(), list.Json["data"]![0]!.ToJsonString());

        var again = await AddAsync(owner, reader.Email);
        AssertProblem(again, HttpStatusCode.Conflict, "email");

        var removed = await SendAsync(HttpMethod.Delete, $"/traffic-source/{owner.SourceId}/members/{reader.Id}", token: owner.Token);
        Assert.Equal(HttpStatusCode.NoContent, removed.Status);
        var twice = await SendAsync(HttpMethod.Delete, $"/traffic-source/{owner.SourceId}/members/{reader.Id}", token: owner.Token);
        AssertProblem(twice, HttpStatusCode.NotFound, "userId");
        list = await SendAsync(HttpMethod.Get, $"/traffic-source/{owner.SourceId}/members", token: owner.Token);
        Assert.Equal(0, list.Json["meta"]!["totalItems"]!.GetValue<int>());
    }

    [Fact]
    public async Task Bad_member_input_is_400_or_404_naming_the_field()
    {
        var owner = await CreateTenantAsync("Owner");
        AssertProblem(await AddAsync(owner, $"nobody-{Guid.NewGuid():N}@example.com"), HttpStatusCode.NotFound, "email");
        AssertProblem(await AddAsync(owner, ""), HttpStatusCode.BadRequest, "email");
        AssertProblem(await AddAsync(owner, owner.Account.Email), HttpStatusCode.BadRequest, "email");
        var reader = await AccountAsync("Reader");
        AssertProblem(await AddAsync(owner, reader.Email, "ADMIN"), HttpStatusCode.BadRequest, "role");
        AssertProblem(await SendRawAsync(HttpMethod.Post, $"/traffic-source/{owner.SourceId}/members", $$"""{"email":"{{reader.Email}}"}""", owner.Token),
            HttpStatusCode.BadRequest, "role");
        AssertProblem(await SendAsync(HttpMethod.Post, "/traffic-source/not-a-uuid/members", new { email = reader.Email, role = "READ_ONLY" }, owner.Token),
            HttpStatusCode.BadRequest, "trafficSourceId");
        AssertProblem(await SendAsync(HttpMethod.Post, $"/traffic-source/{NewId()}/members", new { email = reader.Email, role = "READ_ONLY" }, owner.Token),
            HttpStatusCode.NotFound, "trafficSourceId");
        AssertProblem(await SendAsync(HttpMethod.Delete, $"/traffic-source/{owner.SourceId}/members/not-a-uuid", token: owner.Token),
            HttpStatusCode.BadRequest, "userId");
        AssertProblem(await SendAsync(HttpMethod.Delete, $"/traffic-source/{owner.SourceId}/members/{NewId()}", token: owner.Token),
            HttpStatusCode.NotFound, "userId");
    }

    [Fact]
    public async Task A_member_sees_the_source_with_its_role_and_loses_it_on_the_next_request_once_removed()
    {
        var owner = await CreateTenantAsync("Owner");
        await CreateTrafficAsync(owner);
        var reader = await CreateTenantAsync("Reader");
        Assert.True((await AddAsync(owner, reader.Account.Email)).Status == HttpStatusCode.Created);

        var sources = await SendAsync(HttpMethod.Get, "/traffic-source?pageLimit=100", token: reader.Token);
        var roles = sources.Json["data"]!.AsArray().ToDictionary(s => s!["id"]!.GetValue<string>(), s => s!["role"]!.GetValue<string>());
        Assert.Equal(new Dictionary<string, string> { [owner.SourceId] = "READ_ONLY", [reader.SourceId] = "OWNER" }, roles);
        Assert.Equal(2, sources.Json["meta"]!["totalItems"]!.GetValue<int>());
        var shared = sources.Json["data"]!.AsArray().Single(s => s!["id"]!.GetValue<string>() == owner.SourceId)!;
        Assert.Equal(owner.Account.Id, shared["userId"]!.GetValue<string>());
        // The owner's list shows the source once, as OWNER.
        var own = await SendAsync(HttpMethod.Get, "/traffic-source?pageLimit=100", token: owner.Token);
        Assert.Equal("OWNER", own.Json["data"]!.AsArray().Single()!["role"]!.GetValue<string>());

        var read = await SendAsync(HttpMethod.Get, $"/http-traffic-record/{owner.SourceId}", token: reader.Token);
        Assert.True(read.Status == HttpStatusCode.OK, read.Body);
        Assert.Equal(1, read.Json["meta"]!["totalItems"]!.GetValue<int>());

        Assert.Equal(HttpStatusCode.NoContent,
            (await SendAsync(HttpMethod.Delete, $"/traffic-source/{owner.SourceId}/members/{reader.Account.Id}", token: owner.Token)).Status);
        AssertProblem(await SendAsync(HttpMethod.Get, $"/http-traffic-record/{owner.SourceId}", token: reader.Token), HttpStatusCode.Forbidden);
        sources = await SendAsync(HttpMethod.Get, "/traffic-source?pageLimit=100", token: reader.Token);
        Assert.DoesNotContain(owner.SourceId, sources.Body);
    }

    [Fact]
    public async Task Only_the_owner_manages_members()
    {
        var owner = await CreateTenantAsync("Owner");
        var member = await AccountAsync("Member");
        var stranger = await AccountAsync("Stranger");
        var other = await AccountAsync("Other");
        Assert.Equal(HttpStatusCode.Created, (await AddAsync(owner, member.Email)).Status);
        foreach (var caller in new[] { member, stranger })
        {
            AssertProblem(await AddAsync(owner, other.Email, token: caller.Token), HttpStatusCode.Forbidden);
            AssertProblem(await SendAsync(HttpMethod.Get, $"/traffic-source/{owner.SourceId}/members", token: caller.Token), HttpStatusCode.Forbidden);
            AssertProblem(await SendAsync(HttpMethod.Delete, $"/traffic-source/{owner.SourceId}/members/{member.Id}", token: caller.Token), HttpStatusCode.Forbidden);
        }
        var list = await SendAsync(HttpMethod.Get, $"/traffic-source/{owner.SourceId}/members", token: owner.Token);
        Assert.Equal([member.Id], list.Json["data"]!.AsArray().Select(m => m!["userId"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Deleting_the_source_removes_its_memberships()
    {
        var owner = await CreateTenantAsync("Owner");
        var member = await AccountAsync("Member");
        Assert.Equal(HttpStatusCode.Created, (await AddAsync(owner, member.Email)).Status);
        Assert.Equal(HttpStatusCode.NoContent, (await SendAsync(HttpMethod.Delete, $"/traffic-source/{owner.SourceId}", token: owner.Token)).Status);
        Assert.Equal(0, await CountAsync("traffic_source_members", $"user_id = '{member.Id}'"));
        var sources = await SendAsync(HttpMethod.Get, "/traffic-source", token: member.Token);
        Assert.Equal(0, sources.Json["meta"]!["totalItems"]!.GetValue<int>());
    }
}

public sealed class MemberTestsOnSqlite(SqliteApp app) : MemberTests(app), IClassFixture<SqliteApp>;

public sealed class MemberTestsOnPostgres(PostgresApp app) : MemberTests(app), IClassFixture<PostgresApp>;
