using Arkyn.Tests.Infrastructure;

namespace Arkyn.Tests.Traffic;

/// <summary>
/// Every error code of every traffic route, in the contract's order: missing token 400, bad token 401,
/// validation 400 (field named), path resource unknown 404 / another user's 403, nested ids 404, attached 409.
/// </summary>
public abstract class TrafficErrorTests(ArkynApp app) : TrafficTest(app)
{
    /// <summary>Every traffic route; {id} is filled with a random UUID or with "not-a-uuid", and bodies are invalid, to show auth is checked first.</summary>
    public static TheoryData<string, string, string?> Routes => new()
    {
        { "POST", "/traffic-source", "{}" },
        { "GET", "/traffic-source", null },
        { "PUT", "/traffic-source/{id}", """{"name":""}""" },
        { "DELETE", "/traffic-source/{id}", null },
        { "POST", "/domain/{id}", "{}" },
        { "GET", "/domain/{id}", null },
        { "DELETE", "/domain/{id}", null },
        { "POST", "/pathname/{id}/{id}", "{}" },
        { "GET", "/pathname/{id}/{id}", null },
        { "DELETE", "/pathname/{id}", null },
        { "POST", "/request", "{}" },
        { "POST", "/response", "{}" },
        { "POST", "/http-traffic/{id}", "{}" },
        { "GET", "/http-traffic/{id}", null },
        { "DELETE", "/http-traffic/{id}", null },
    };

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task A_missing_token_is_400_and_a_bad_one_401_before_any_validation(string method, string template, string? body)
    {
        var verb = new HttpMethod(method);
        var signingKey = App.Services.GetSigningKey();
        var ghost = Jwt.Sign(NewId(), signingKey, DateTime.UtcNow.AddMinutes(5));
        var expired = Jwt.Sign(NewId(), signingKey, DateTime.UtcNow.AddMinutes(-5));
        var otherKey = Jwt.Sign(NewId(), "a-completely-different-signing-key-of-enough-bytes", DateTime.UtcNow.AddMinutes(5));
        var before = await SnapshotAsync();

        foreach (var id in new[] { NewId(), "not-a-uuid" })
        {
            var path = template.Replace("{id}", id);

            var missing = AssertProblem(await SendRawAsync(verb, path, body), HttpStatusCode.BadRequest);
            Assert.True(missing["errors"] is null, $"{method} {path} without a token must fail on the token, not on validation: {missing.ToJsonString()}");
            var emptyBearer = AssertProblem(await SendRawAsync(verb, path, body, configure: r => r.Headers.TryAddWithoutValidation("Authorization", "Bearer ")), HttpStatusCode.BadRequest);
            Assert.Null(emptyBearer["errors"]);

            foreach (var token in new[] { "not-a-jwt", ghost, expired, otherKey })
            {
                var reply = await SendRawAsync(verb, path, body, token);
                AssertProblem(reply, HttpStatusCode.Unauthorized);
                Assert.Contains("Bearer", reply.Message.Headers.WwwAuthenticate.ToString());
            }
        }
        Assert.Equal(before, await SnapshotAsync());
    }

    // ---- traffic sources ----

    [Fact]
    public async Task Post_traffic_source_400_and_409()
    {
        var me = await AccountAsync();
        var other = await AccountAsync();
        var domain = $"{Unique("shop")}.example.com";

        AssertProblem(await SendRawAsync(HttpMethod.Post, "/traffic-source", $$"""{"trafficDomain":"{{domain}}"}""", me.Token), HttpStatusCode.BadRequest, "name");
        AssertProblem(await SendRawAsync(HttpMethod.Post, "/traffic-source", $$"""{"name":"  ","trafficDomain":"{{domain}}"}""", me.Token), HttpStatusCode.BadRequest, "name");
        AssertProblem(await SendRawAsync(HttpMethod.Post, "/traffic-source", $$"""{"name":"{{new string('n', 101)}}","trafficDomain":"{{domain}}"}""", me.Token), HttpStatusCode.BadRequest, "name");
        AssertProblem(await SendRawAsync(HttpMethod.Post, "/traffic-source", $$"""{"name":5,"trafficDomain":"{{domain}}"}""", me.Token), HttpStatusCode.BadRequest, "name");
        AssertProblem(await SendRawAsync(HttpMethod.Post, "/traffic-source", """{"name":"Shop"}""", me.Token), HttpStatusCode.BadRequest, "trafficDomain");
        AssertProblem(await SendRawAsync(HttpMethod.Post, "/traffic-source", """{"name":"Shop","trafficDomain":""}""", me.Token), HttpStatusCode.BadRequest, "trafficDomain");
        AssertProblem(await SendRawAsync(HttpMethod.Post, "/traffic-source", $$"""{"name":"Shop","trafficDomain":"{{new string('d', 256)}}"}""", me.Token), HttpStatusCode.BadRequest, "trafficDomain");
        Assert.Equal(0, await CountAsync("traffic_sources", $"user_id = '{me.Id}'"));

        var first = await SendAsync(HttpMethod.Post, "/traffic-source", new { name = "Shop", trafficDomain = domain }, me.Token);
        Assert.Equal(HttpStatusCode.Created, first.Status);
        Assert.Equal(domain, first.Json["trafficDomain"]!.GetValue<string>());

        AssertProblem(await SendAsync(HttpMethod.Post, "/traffic-source", new { name = "Again", trafficDomain = domain }, me.Token), HttpStatusCode.Conflict, "trafficDomain");
        AssertProblem(await SendAsync(HttpMethod.Post, "/traffic-source", new { name = "Again", trafficDomain = domain.ToUpperInvariant() + "/" }, me.Token), HttpStatusCode.Conflict, "trafficDomain");
        Assert.Equal(1, await CountAsync("traffic_sources", $"user_id = '{me.Id}'"));

        // The domain is unique per user, not globally.
        Assert.Equal(HttpStatusCode.Created, (await SendAsync(HttpMethod.Post, "/traffic-source", new { name = "Theirs", trafficDomain = domain }, other.Token)).Status);
    }

    [Fact]
    public async Task Get_traffic_source_400_on_bad_paging_and_only_the_callers_sources()
    {
        var me = await AccountAsync();
        var other = await AccountAsync();
        var mine = await CreateSourceAsync(me);
        await CreateSourceAsync(other);

        AssertProblem(await SendAsync(HttpMethod.Get, "/traffic-source?page=0", token: me.Token), HttpStatusCode.BadRequest, "page");
        AssertProblem(await SendAsync(HttpMethod.Get, "/traffic-source?pageLimit=0", token: me.Token), HttpStatusCode.BadRequest, "pageLimit");
        AssertProblem(await SendAsync(HttpMethod.Get, "/traffic-source?limit=101", token: me.Token), HttpStatusCode.BadRequest, "limit");

        var list = await SendAsync(HttpMethod.Get, "/traffic-source", token: me.Token);
        Assert.Equal(HttpStatusCode.OK, list.Status);
        Assert.Equal([mine], list.Json["data"]!.AsArray().Select(s => s!["id"]!.GetValue<string>()));
        Assert.Equal(1, list.Json["meta"]!["totalItems"]!.GetValue<int>());
    }

    [Fact]
    public async Task Put_traffic_source_400_403_404_409()
    {
        var me = await AccountAsync();
        var other = await AccountAsync();
        var first = await CreateSourceAsync(me, "first.example.com");
        await CreateSourceAsync(me, "second.example.com");
        var theirs = await CreateSourceAsync(other, "theirs.example.com", "Theirs");
        var theirsBefore = (await SendAsync(HttpMethod.Get, "/traffic-source", token: other.Token)).Body;

        AssertProblem(await SendAsync(HttpMethod.Put, "/traffic-source/not-a-uuid", new { name = "x" }, me.Token), HttpStatusCode.BadRequest, "trafficSourceId");
        AssertProblem(await SendAsync(HttpMethod.Put, $"/traffic-source/{first}", new { name = "" }, me.Token), HttpStatusCode.BadRequest, "name");
        AssertProblem(await SendAsync(HttpMethod.Put, $"/traffic-source/{first}", new { trafficDomain = " " }, me.Token), HttpStatusCode.BadRequest, "trafficDomain");
        AssertProblem(await SendRawAsync(HttpMethod.Put, $"/traffic-source/{first}", """{"name":["x"]}""", me.Token), HttpStatusCode.BadRequest, "name");
        // Validation before ownership: another user's source with a bad body is a 400, not a 403.
        AssertProblem(await SendAsync(HttpMethod.Put, $"/traffic-source/{theirs}", new { name = "" }, me.Token), HttpStatusCode.BadRequest, "name");
        AssertProblem(await SendAsync(HttpMethod.Put, $"/traffic-source/{NewId()}", new { name = "x" }, me.Token), HttpStatusCode.NotFound, "trafficSourceId");
        var forbidden = AssertProblem(await SendAsync(HttpMethod.Put, $"/traffic-source/{theirs}", new { name = "Hijacked" }, me.Token), HttpStatusCode.Forbidden);
        Assert.Null(forbidden["errors"]);
        AssertProblem(await SendAsync(HttpMethod.Put, $"/traffic-source/{first}", new { trafficDomain = "SECOND.example.com/" }, me.Token), HttpStatusCode.Conflict, "trafficDomain");

        Assert.Equal(theirsBefore, (await SendAsync(HttpMethod.Get, "/traffic-source", token: other.Token)).Body);
        Assert.Equal("first.example.com", await ScalarAsync<string>($"SELECT traffic_domain FROM traffic_sources WHERE id = '{first}'"));

        var renamed = await SendAsync(HttpMethod.Put, $"/traffic-source/{first.ToUpperInvariant()}", new { name = "Renamed" }, me.Token);
        Assert.Equal(HttpStatusCode.OK, renamed.Status);
        Assert.Equal("Renamed", renamed.Json["name"]!.GetValue<string>());
        Assert.Equal("first.example.com", renamed.Json["trafficDomain"]!.GetValue<string>());
    }

    [Fact]
    public async Task Delete_traffic_source_400_403_404()
    {
        var me = await AccountAsync();
        var other = await CreateTenantAsync();
        var before = await SnapshotAsync();

        AssertProblem(await SendAsync(HttpMethod.Delete, "/traffic-source/not-a-uuid", token: me.Token), HttpStatusCode.BadRequest, "trafficSourceId");
        AssertProblem(await SendAsync(HttpMethod.Delete, $"/traffic-source/{NewId()}", token: me.Token), HttpStatusCode.NotFound, "trafficSourceId");
        AssertProblem(await SendAsync(HttpMethod.Delete, $"/traffic-source/{other.SourceId}", token: me.Token), HttpStatusCode.Forbidden);

        Assert.Equal(before, await SnapshotAsync());
        Assert.Equal(1, await CountAsync("traffic_sources", $"id = '{other.SourceId}'"));
    }

    // ---- domains ----

    [Fact]
    public async Task Post_domain_400_403_404()
    {
        var me = await AccountAsync();
        var other = await AccountAsync();
        var mine = await CreateSourceAsync(me);
        var theirs = await CreateSourceAsync(other);
        var before = await SnapshotAsync();

        AssertProblem(await SendAsync(HttpMethod.Post, "/domain/not-a-uuid", new { value = "api.example.com", protocol = "HTTPS" }, me.Token), HttpStatusCode.BadRequest, "trafficSourceId");
        foreach (var value in new[] { "https://api.example.com", "api.example.com/v1", "api.example.com:99999", "api.example.com:0", "api example.com", "" })
            AssertProblem(await SendAsync(HttpMethod.Post, $"/domain/{mine}", new { value, protocol = "HTTPS" }, me.Token), HttpStatusCode.BadRequest, "value");
        AssertProblem(await SendRawAsync(HttpMethod.Post, $"/domain/{mine}", """{"protocol":"HTTPS"}""", me.Token), HttpStatusCode.BadRequest, "value");
        AssertProblem(await SendRawAsync(HttpMethod.Post, $"/domain/{mine}", """{"value":42,"protocol":"HTTPS"}""", me.Token), HttpStatusCode.BadRequest, "value");
        AssertProblem(await SendAsync(HttpMethod.Post, $"/domain/{mine}", new { value = "api.example.com", protocol = "FTP" }, me.Token), HttpStatusCode.BadRequest, "protocol");
        AssertProblem(await SendRawAsync(HttpMethod.Post, $"/domain/{mine}", """{"value":"api.example.com"}""", me.Token), HttpStatusCode.BadRequest, "protocol");
        // Validation before existence and ownership.
        AssertProblem(await SendAsync(HttpMethod.Post, $"/domain/{NewId()}", new { value = "api.example.com", protocol = "FTP" }, me.Token), HttpStatusCode.BadRequest, "protocol");
        AssertProblem(await SendAsync(HttpMethod.Post, $"/domain/{theirs}", new { value = "api.example.com", protocol = "FTP" }, me.Token), HttpStatusCode.BadRequest, "protocol");

        AssertProblem(await SendAsync(HttpMethod.Post, $"/domain/{NewId()}", new { value = "api.example.com", protocol = "HTTPS" }, me.Token), HttpStatusCode.NotFound, "trafficSourceId");
        var forbidden = AssertProblem(await SendAsync(HttpMethod.Post, $"/domain/{theirs}", new { value = "api.example.com", protocol = "HTTPS" }, me.Token), HttpStatusCode.Forbidden);
        Assert.Null(forbidden["errors"]);

        Assert.Equal(before, await SnapshotAsync());
    }

    [Fact]
    public async Task Get_domain_400_403_404()
    {
        var me = await AccountAsync();
        var other = await CreateTenantAsync();
        var mine = await CreateSourceAsync(me);

        AssertProblem(await SendAsync(HttpMethod.Get, "/domain/not-a-uuid", token: me.Token), HttpStatusCode.BadRequest, "trafficSourceId");
        AssertProblem(await SendAsync(HttpMethod.Get, $"/domain/{mine}?pageLimit=101", token: me.Token), HttpStatusCode.BadRequest, "pageLimit");
        AssertProblem(await SendAsync(HttpMethod.Get, $"/domain/{NewId()}", token: me.Token), HttpStatusCode.NotFound, "trafficSourceId");
        var forbidden = await SendAsync(HttpMethod.Get, $"/domain/{other.SourceId}", token: me.Token);
        AssertProblem(forbidden, HttpStatusCode.Forbidden);
        Assert.DoesNotContain(other.DomainId, forbidden.Body);

        var empty = await SendAsync(HttpMethod.Get, $"/domain/{mine}", token: me.Token);
        Assert.Equal(HttpStatusCode.OK, empty.Status);
        Assert.Empty(empty.Json["data"]!.AsArray());
    }

    [Fact]
    public async Task Delete_domain_400_403_404()
    {
        var me = await AccountAsync();
        var other = await CreateTenantAsync();
        await CreateTrafficAsync(other);
        var before = await SnapshotAsync();

        AssertProblem(await SendAsync(HttpMethod.Delete, "/domain/not-a-uuid", token: me.Token), HttpStatusCode.BadRequest, "domainId");
        AssertProblem(await SendAsync(HttpMethod.Delete, $"/domain/{NewId()}", token: me.Token), HttpStatusCode.NotFound, "domainId");
        AssertProblem(await SendAsync(HttpMethod.Delete, $"/domain/{other.DomainId}", token: me.Token), HttpStatusCode.Forbidden);

        Assert.Equal(before, await SnapshotAsync());
    }

    // ---- pathnames ----

    [Fact]
    public async Task Post_pathname_400_403_404()
    {
        var me = await CreateTenantAsync();
        var other = await CreateTenantAsync();
        var secondSource = await CreateSourceAsync(me.Account);
        var domainOfSecond = await CreateDomainAsync(me.Account, secondSource);
        var path = $"/pathname/{me.SourceId}/{me.DomainId}";
        var before = await SnapshotAsync();

        AssertProblem(await SendAsync(HttpMethod.Post, $"/pathname/not-a-uuid/{me.DomainId}", new { value = "/a" }, me.Token), HttpStatusCode.BadRequest, "trafficSourceId");
        AssertProblem(await SendAsync(HttpMethod.Post, $"/pathname/{me.SourceId}/not-a-uuid", new { value = "/a" }, me.Token), HttpStatusCode.BadRequest, "domainId");
        foreach (var value in new[] { "orders", "/orders?page=1", "/orders#top", "/or ders", "", $"/{new string('p', 2048)}" })
            AssertProblem(await SendAsync(HttpMethod.Post, path, new { value }, me.Token), HttpStatusCode.BadRequest, "value");
        AssertProblem(await SendRawAsync(HttpMethod.Post, path, "{}", me.Token), HttpStatusCode.BadRequest, "value");
        AssertProblem(await SendRawAsync(HttpMethod.Post, path, """{"value":["/a"]}""", me.Token), HttpStatusCode.BadRequest, "value");
        AssertProblem(await SendAsync(HttpMethod.Post, $"/pathname/{other.SourceId}/{other.DomainId}", new { value = "no-slash" }, me.Token), HttpStatusCode.BadRequest, "value");

        AssertProblem(await SendAsync(HttpMethod.Post, $"/pathname/{NewId()}/{me.DomainId}", new { value = "/a" }, me.Token), HttpStatusCode.NotFound, "trafficSourceId");
        var unknownDomain = AssertProblem(await SendAsync(HttpMethod.Post, $"/pathname/{me.SourceId}/{NewId()}", new { value = "/a" }, me.Token), HttpStatusCode.NotFound, "domainId");
        var otherSourcesDomain = AssertProblem(await SendAsync(HttpMethod.Post, $"/pathname/{me.SourceId}/{domainOfSecond}", new { value = "/a" }, me.Token), HttpStatusCode.NotFound, "domainId");
        var otherUsersDomain = AssertProblem(await SendAsync(HttpMethod.Post, $"/pathname/{me.SourceId}/{other.DomainId}", new { value = "/a" }, me.Token), HttpStatusCode.NotFound, "domainId");
        Assert.Equal(Shape(unknownDomain), Shape(otherSourcesDomain));
        Assert.Equal(Shape(unknownDomain), Shape(otherUsersDomain));
        AssertProblem(await SendAsync(HttpMethod.Post, $"/pathname/{other.SourceId}/{other.DomainId}", new { value = "/a" }, me.Token), HttpStatusCode.Forbidden);
        AssertProblem(await SendAsync(HttpMethod.Post, $"/pathname/{other.SourceId}/{me.DomainId}", new { value = "/a" }, me.Token), HttpStatusCode.Forbidden);

        Assert.Equal(before, await SnapshotAsync());
    }

    [Fact]
    public async Task Get_pathname_400_403_404()
    {
        var me = await CreateTenantAsync();
        var other = await CreateTenantAsync();
        var secondSource = await CreateSourceAsync(me.Account);
        var domainOfSecond = await CreateDomainAsync(me.Account, secondSource);

        AssertProblem(await SendAsync(HttpMethod.Get, $"/pathname/not-a-uuid/{me.DomainId}", token: me.Token), HttpStatusCode.BadRequest, "trafficSourceId");
        AssertProblem(await SendAsync(HttpMethod.Get, $"/pathname/{me.SourceId}/not-a-uuid", token: me.Token), HttpStatusCode.BadRequest, "domainId");
        AssertProblem(await SendAsync(HttpMethod.Get, $"/pathname/{me.SourceId}/{me.DomainId}?page=0", token: me.Token), HttpStatusCode.BadRequest, "page");
        AssertProblem(await SendAsync(HttpMethod.Get, $"/pathname/{NewId()}/{me.DomainId}", token: me.Token), HttpStatusCode.NotFound, "trafficSourceId");
        var unknown = AssertProblem(await SendAsync(HttpMethod.Get, $"/pathname/{me.SourceId}/{NewId()}", token: me.Token), HttpStatusCode.NotFound, "domainId");
        var otherSource = AssertProblem(await SendAsync(HttpMethod.Get, $"/pathname/{me.SourceId}/{domainOfSecond}", token: me.Token), HttpStatusCode.NotFound, "domainId");
        var otherUser = AssertProblem(await SendAsync(HttpMethod.Get, $"/pathname/{me.SourceId}/{other.DomainId}", token: me.Token), HttpStatusCode.NotFound, "domainId");
        Assert.Equal(Shape(unknown), Shape(otherSource));
        Assert.Equal(Shape(unknown), Shape(otherUser));
        var forbidden = await SendAsync(HttpMethod.Get, $"/pathname/{other.SourceId}/{other.DomainId}", token: me.Token);
        AssertProblem(forbidden, HttpStatusCode.Forbidden);
        Assert.DoesNotContain(other.PathnameId, forbidden.Body);
    }

    [Fact]
    public async Task Delete_pathname_400_403_404()
    {
        var me = await AccountAsync();
        var other = await CreateTenantAsync();
        await CreateTrafficAsync(other);
        var before = await SnapshotAsync();

        AssertProblem(await SendAsync(HttpMethod.Delete, "/pathname/not-a-uuid", token: me.Token), HttpStatusCode.BadRequest, "pathnameId");
        AssertProblem(await SendAsync(HttpMethod.Delete, $"/pathname/{NewId()}", token: me.Token), HttpStatusCode.NotFound, "pathnameId");
        AssertProblem(await SendAsync(HttpMethod.Delete, $"/pathname/{other.PathnameId}", token: me.Token), HttpStatusCode.Forbidden);

        Assert.Equal(before, await SnapshotAsync());
    }

    // ---- requests and responses ----

    [Fact]
    public async Task Post_request_400_naming_the_field()
    {
        var me = await AccountAsync();
        var before = await SnapshotAsync();

        foreach (var headers in new[] { "[]", "\"content-type: text/plain\"", "null", "1" })
            AssertProblem(await SendRawAsync(HttpMethod.Post, "/request", $$$"""{"headers":{{{headers}}},"body":null,"queryParams":{}}""", me.Token), HttpStatusCode.BadRequest, "headers");
        AssertProblem(await SendRawAsync(HttpMethod.Post, "/request", """{"body":null,"queryParams":{}}""", me.Token), HttpStatusCode.BadRequest, "headers");
        foreach (var query in new[] { "[]", "\"a=1&b=2\"", "null", "true" })
            AssertProblem(await SendRawAsync(HttpMethod.Post, "/request", $$"""{"headers":{},"body":null,"queryParams":{{query}}}""", me.Token), HttpStatusCode.BadRequest, "queryParams");
        AssertProblem(await SendRawAsync(HttpMethod.Post, "/request", """{"headers":{},"body":null}""", me.Token), HttpStatusCode.BadRequest, "queryParams");
        AssertProblem(await SendRawAsync(HttpMethod.Post, "/request", """{"headers":{},"queryParams":{},"body":""", me.Token), HttpStatusCode.BadRequest);
        AssertProblem(await SendRawAsync(HttpMethod.Post, "/request", "[]", me.Token), HttpStatusCode.BadRequest, "body");

        Assert.Equal(before, await SnapshotAsync());
    }

    [Fact]
    public async Task Post_response_400_naming_the_field()
    {
        var me = await AccountAsync();
        var before = await SnapshotAsync();

        foreach (var headers in new[] { "[]", "\"content-type: text/plain\"", "null", "false" })
            AssertProblem(await SendRawAsync(HttpMethod.Post, "/response", $$"""{"headers":{{headers}},"body":null}""", me.Token), HttpStatusCode.BadRequest, "headers");
        AssertProblem(await SendRawAsync(HttpMethod.Post, "/response", """{"body":{"ok":true}}""", me.Token), HttpStatusCode.BadRequest, "headers");
        AssertProblem(await SendRawAsync(HttpMethod.Post, "/response", """{"headers":{},"body":{""", me.Token), HttpStatusCode.BadRequest);
        AssertProblem(await SendRawAsync(HttpMethod.Post, "/response", "\"text\"", me.Token), HttpStatusCode.BadRequest, "body");

        Assert.Equal(before, await SnapshotAsync());
    }

    // ---- http traffic ----

    [Fact]
    public async Task Post_http_traffic_403_404_and_409_when_already_attached()
    {
        var me = await CreateTenantAsync();
        var other = await CreateTenantAsync();

        AssertProblem(await SendAsync(HttpMethod.Post, "/http-traffic/not-a-uuid", TrafficBody(me), me.Token), HttpStatusCode.BadRequest, "trafficSourceId");
        AssertProblem(await SendAsync(HttpMethod.Post, $"/http-traffic/{other.SourceId}", TrafficBody(me, status: 700), me.Token), HttpStatusCode.BadRequest, "status");
        AssertProblem(await SendAsync(HttpMethod.Post, $"/http-traffic/{NewId()}", TrafficBody(me), me.Token), HttpStatusCode.NotFound, "trafficSourceId");
        var forbidden = AssertProblem(await SendAsync(HttpMethod.Post, $"/http-traffic/{other.SourceId}", TrafficBody(me), me.Token), HttpStatusCode.Forbidden);
        Assert.Null(forbidden["errors"]);
        AssertProblem(await SendAsync(HttpMethod.Post, $"/http-traffic/{me.SourceId}", TrafficBody(me, domainId: NewId()), me.Token), HttpStatusCode.NotFound, "domainId");
        AssertProblem(await SendAsync(HttpMethod.Post, $"/http-traffic/{me.SourceId}", TrafficBody(me, pathnameId: NewId()), me.Token), HttpStatusCode.NotFound, "pathnameId");
        AssertProblem(await SendAsync(HttpMethod.Post, $"/http-traffic/{me.SourceId}", TrafficBody(me, requestId: NewId()), me.Token), HttpStatusCode.NotFound, "requestId");
        AssertProblem(await SendAsync(HttpMethod.Post, $"/http-traffic/{me.SourceId}", TrafficBody(me, responseId: NewId()), me.Token), HttpStatusCode.NotFound, "responseId");
        Assert.Equal(0, await CountAsync("http_traffic", $"traffic_source_id IN ('{me.SourceId}', '{other.SourceId}')"));

        var first = await SendAsync(HttpMethod.Post, $"/http-traffic/{me.SourceId}", TrafficBody(me), me.Token);
        Assert.True(first.Status == HttpStatusCode.Created, first.Body);
        var before = await CountsAsync();

        var sameBoth = AssertProblem(await SendAsync(HttpMethod.Post, $"/http-traffic/{me.SourceId}", TrafficBody(me), me.Token), HttpStatusCode.Conflict);
        var sameRequest = AssertProblem(await SendAsync(HttpMethod.Post, $"/http-traffic/{me.SourceId}",
            TrafficBody(me, responseId: await CreateResponseAsync(me.Account)), me.Token), HttpStatusCode.Conflict);
        var sameResponse = AssertProblem(await SendAsync(HttpMethod.Post, $"/http-traffic/{me.SourceId}",
            TrafficBody(me, requestId: await CreateRequestAsync(me.Account)), me.Token), HttpStatusCode.Conflict);
        Assert.False(string.IsNullOrEmpty(sameBoth["detail"]?.GetValue<string>()));
        Assert.Equal(Shape(sameBoth), Shape(sameRequest));
        Assert.Equal(Shape(sameBoth), Shape(sameResponse));
        // A second source of the same user cannot take them either.
        var secondSource = await CreateSourceAsync(me.Account);
        var secondDomain = await CreateDomainAsync(me.Account, secondSource);
        var secondPathname = await CreatePathnameAsync(me.Account, secondSource, secondDomain);
        AssertProblem(await SendAsync(HttpMethod.Post, $"/http-traffic/{secondSource}", TrafficBody(me, secondDomain, secondPathname), me.Token), HttpStatusCode.Conflict);

        var after = await CountsAsync();
        Assert.Equal(before[^1], after[^1]);
        Assert.Equal(1, await CountAsync("http_traffic", $"request_id = '{me.RequestId}' OR response_id = '{me.ResponseId}'"));
    }

    [Fact]
    public async Task Get_http_traffic_400_403_404()
    {
        var me = await CreateTenantAsync();
        var other = await CreateTenantAsync();
        var theirs = await CreateTrafficAsync(other);

        AssertProblem(await SendAsync(HttpMethod.Get, "/http-traffic/not-a-uuid", token: me.Token), HttpStatusCode.BadRequest, "trafficSourceId");
        AssertProblem(await SendAsync(HttpMethod.Get, $"/http-traffic/{me.SourceId}?pageLimit=0", token: me.Token), HttpStatusCode.BadRequest, "pageLimit");
        AssertProblem(await SendAsync(HttpMethod.Get, $"/http-traffic/{me.SourceId}?limit=0", token: me.Token), HttpStatusCode.BadRequest, "limit");
        AssertProblem(await SendAsync(HttpMethod.Get, $"/http-traffic/{NewId()}", token: me.Token), HttpStatusCode.NotFound, "trafficSourceId");
        var forbidden = await SendAsync(HttpMethod.Get, $"/http-traffic/{other.SourceId}", token: me.Token);
        AssertProblem(forbidden, HttpStatusCode.Forbidden);
        Assert.DoesNotContain(theirs["id"]!.GetValue<string>(), forbidden.Body);
    }

    [Fact]
    public async Task Delete_http_traffic_400_403_404()
    {
        var me = await AccountAsync();
        var other = await CreateTenantAsync();
        var theirs = await CreateTrafficAsync(other);
        var before = await SnapshotAsync();

        AssertProblem(await SendAsync(HttpMethod.Delete, "/http-traffic/not-a-uuid", token: me.Token), HttpStatusCode.BadRequest, "httpTrafficId");
        AssertProblem(await SendAsync(HttpMethod.Delete, $"/http-traffic/{NewId()}", token: me.Token), HttpStatusCode.NotFound, "httpTrafficId");
        // The id of a domain is not the id of a traffic record.
        AssertProblem(await SendAsync(HttpMethod.Delete, $"/http-traffic/{other.DomainId}", token: me.Token), HttpStatusCode.NotFound, "httpTrafficId");
        AssertProblem(await SendAsync(HttpMethod.Delete, $"/http-traffic/{theirs["id"]}", token: me.Token), HttpStatusCode.Forbidden);

        Assert.Equal(before, await SnapshotAsync());
    }
}

public sealed class TrafficErrorTestsOnSqlite(SqliteApp app) : TrafficErrorTests(app), IClassFixture<SqliteApp>;

public sealed class TrafficErrorTestsOnPostgres(PostgresApp app) : TrafficErrorTests(app), IClassFixture<PostgresApp>;
