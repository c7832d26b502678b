using Arkyn.Tests.Infrastructure;

namespace Arkyn.Tests.Traffic;

/// <summary>Traffic sources, and the find-or-create routes of domains and pathnames: normalisation, 201 new, 200 existing.</summary>
public abstract class SourceDomainPathnameTests(ArkynApp app) : TrafficTest(app)
{
    [Fact]
    public async Task A_source_is_created_listed_updated_and_its_domain_normalised()
    {
        var account = await AccountAsync();
        var host = $"{Unique("shop")}.example.com";

        var created = await SendAsync(HttpMethod.Post, "/traffic-source", new { name = "  My Shop  ", trafficDomain = host.ToUpperInvariant() + "/" }, account.Token);
        Assert.Equal(HttpStatusCode.Created, created.Status);
        Assert.Equal("My Shop", created.Json["name"]!.GetValue<string>());
        Assert.Equal(host, created.Json["trafficDomain"]!.GetValue<string>());
        Assert.True(Guid.TryParse(Id(created), out var id) && id.Version == 7);
        Assert.Matches(ArkynTimestamp, created.Json["createdAt"]!.GetValue<string>());
        Assert.Matches(ArkynTimestamp, created.Json["updatedAt"]!.GetValue<string>());

        var listed = await SendAsync(HttpMethod.Get, "/traffic-source", token: account.Token);
        Assert.True(JsonNode.DeepEquals(created.Json, listed.Json["data"]![0]), listed.Body);

        var renamed = await SendAsync(HttpMethod.Put, $"/traffic-source/{Id(created)}", new { name = "Renamed" }, account.Token);
        Assert.Equal(HttpStatusCode.OK, renamed.Status);
        Assert.Equal("Renamed", renamed.Json["name"]!.GetValue<string>());
        Assert.Equal(host, renamed.Json["trafficDomain"]!.GetValue<string>());
        var moved = await SendAsync(HttpMethod.Put, $"/traffic-source/{Id(created)}", new { trafficDomain = "NEW.example.com/" }, account.Token);
        Assert.Equal("Renamed", moved.Json["name"]!.GetValue<string>());
        Assert.Equal("new.example.com", moved.Json["trafficDomain"]!.GetValue<string>());
        var unchanged = await SendRawAsync(HttpMethod.Put, $"/traffic-source/{Id(created)}", """{"name":null}""", account.Token);
        Assert.Equal(HttpStatusCode.OK, unchanged.Status);
        Assert.Equal("Renamed", unchanged.Json["name"]!.GetValue<string>());
        Assert.Equal(Id(created), unchanged.Json["id"]!.GetValue<string>());
        Assert.Equal(created.Json["createdAt"]!.GetValue<string>(), unchanged.Json["createdAt"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_domain_is_stored_lower_case_without_a_trailing_slash_and_found_again()
    {
        var account = await AccountAsync();
        var source = await CreateSourceAsync(account);
        var host = $"{Unique("api")}.example.com";

        var created = await SendAsync(HttpMethod.Post, $"/domain/{source}", new { value = host.ToUpperInvariant() + "/", protocol = "https" }, account.Token);
        Assert.Equal(HttpStatusCode.Created, created.Status);
        Assert.Equal(host, created.Json["value"]!.GetValue<string>());
        Assert.Equal("HTTPS", created.Json["protocol"]!.GetValue<string>());
        Assert.Equal(source, created.Json["trafficSourceId"]!.GetValue<string>());
        Assert.Matches(ArkynTimestamp, created.Json["createdAt"]!.GetValue<string>());

        foreach (var (value, protocol) in new[] { (host, "HTTPS"), (host + "/", "Https"), ($" {host.ToUpperInvariant()} ", "https") })
        {
            var again = await SendAsync(HttpMethod.Post, $"/domain/{source}", new { value, protocol }, account.Token);
            Assert.True(again.Status == HttpStatusCode.OK, $"{value} {protocol}: {(int)again.Status} {again.Body}");
            Assert.True(JsonNode.DeepEquals(created.Json, again.Json), $"{value} {protocol}: {again.Body} is not {created.Body}");
        }

        var plainHttp = await SendAsync(HttpMethod.Post, $"/domain/{source}", new { value = host, protocol = "http" }, account.Token);
        Assert.Equal(HttpStatusCode.Created, plainHttp.Status);
        Assert.Equal("HTTP", plainHttp.Json["protocol"]!.GetValue<string>());
        Assert.NotEqual(Id(created), Id(plainHttp));
        var withPort = await SendAsync(HttpMethod.Post, $"/domain/{source}", new { value = "LocalHost:8080", protocol = "HTTP" }, account.Token);
        Assert.Equal(HttpStatusCode.Created, withPort.Status);
        Assert.Equal("localhost:8080", withPort.Json["value"]!.GetValue<string>());
        Assert.Equal(3, await CountAsync("domains", $"traffic_source_id = '{source}'"));

        // The same value in another source is another domain.
        var otherSource = await CreateSourceAsync(account);
        var elsewhere = await SendAsync(HttpMethod.Post, $"/domain/{otherSource}", new { value = host, protocol = "HTTPS" }, account.Token);
        Assert.Equal(HttpStatusCode.Created, elsewhere.Status);
        Assert.NotEqual(Id(created), Id(elsewhere));
        Assert.Equal(otherSource, elsewhere.Json["trafficSourceId"]!.GetValue<string>());

        var list = await SendAsync(HttpMethod.Get, $"/domain/{source}", token: account.Token);
        Assert.Equal(3, list.Json["meta"]!["totalItems"]!.GetValue<int>());
        Assert.Contains(list.Json["data"]!.AsArray(), d => JsonNode.DeepEquals(d, created.Json));
    }

    [Fact]
    public async Task A_pathname_is_found_again_within_its_domain_only()
    {
        var account = await AccountAsync();
        var source = await CreateSourceAsync(account);
        var domain = await CreateDomainAsync(account, source);
        var otherDomain = await CreateDomainAsync(account, source);

        var created = await SendAsync(HttpMethod.Post, $"/pathname/{source}/{domain}", new { value = "/users/42/orders" }, account.Token);
        Assert.Equal(HttpStatusCode.Created, created.Status);
        Assert.Equal(["id", "value", "domainId", "trafficSourceId", "createdAt"], created.Json.AsObject().Select(p => p.Key));
        Assert.Equal("/users/42/orders", created.Json["value"]!.GetValue<string>());
        Assert.Equal(domain, created.Json["domainId"]!.GetValue<string>());
        Assert.Equal(source, created.Json["trafficSourceId"]!.GetValue<string>());

        var again = await SendAsync(HttpMethod.Post, $"/pathname/{source.ToUpperInvariant()}/{domain.ToUpperInvariant()}", new { value = "/users/42/orders" }, account.Token);
        Assert.Equal(HttpStatusCode.OK, again.Status);
        Assert.True(JsonNode.DeepEquals(created.Json, again.Json), again.Body);

        var inOtherDomain = await SendAsync(HttpMethod.Post, $"/pathname/{source}/{otherDomain}", new { value = "/users/42/orders" }, account.Token);
        Assert.Equal(HttpStatusCode.Created, inOtherDomain.Status);
        Assert.NotEqual(Id(created), Id(inOtherDomain));
        Assert.Equal(otherDomain, inOtherDomain.Json["domainId"]!.GetValue<string>());

        var root = await SendAsync(HttpMethod.Post, $"/pathname/{source}/{domain}", new { value = "/" }, account.Token);
        Assert.Equal(HttpStatusCode.Created, root.Status);
        Assert.Equal(2, await CountAsync("pathnames", $"domain_id = '{domain}'"));

        var list = await SendAsync(HttpMethod.Get, $"/pathname/{source}/{domain}", token: account.Token);
        Assert.Equal(HttpStatusCode.OK, list.Status);
        Assert.Equal(2, list.Json["meta"]!["totalItems"]!.GetValue<int>());
        Assert.Equal(new[] { Id(created), Id(root) }.Order(), list.Json["data"]!.AsArray().Select(p => p!["id"]!.GetValue<string>()).Order());
    }

    [Fact]
    public async Task A_pathname_cannot_be_created_under_a_domain_of_another_source()
    {
        var account = await AccountAsync();
        var source = await CreateSourceAsync(account);
        var otherSource = await CreateSourceAsync(account);
        var domainOfOther = await CreateDomainAsync(account, otherSource);
        var before = await SnapshotAsync();

        var reply = await SendAsync(HttpMethod.Post, $"/pathname/{source}/{domainOfOther}", new { value = "/x" }, account.Token);

        AssertProblem(reply, HttpStatusCode.NotFound, "domainId");
        Assert.Equal(before, await SnapshotAsync());
    }
}

public sealed class SourceDomainPathnameTestsOnSqlite(SqliteApp app) : SourceDomainPathnameTests(app), IClassFixture<SqliteApp>;

public sealed class SourceDomainPathnameTestsOnPostgres(PostgresApp app) : SourceDomainPathnameTests(app), IClassFixture<PostgresApp>;
