using Arkyn.Tests.Infrastructure;

namespace Arkyn.Tests.Traffic;

/// <summary>Concurrent writers of the same thing: one wins, the others get a clean answer, never a 500, and one row.</summary>
public abstract class ConcurrencyTests(ArkynApp app) : TrafficTest(app)
{
    const int Callers = 20;

    static string Summary(IEnumerable<Reply> replies) =>
        string.Join(", ", replies.GroupBy(r => (int)r.Status).OrderBy(g => g.Key).Select(g => $"{g.Key}×{g.Count()}"));

    [Fact]
    public async Task Concurrent_attaches_of_one_request_and_response_make_one_traffic_and_409s()
    {
        var t = await CreateTenantAsync();
        var json = System.Text.Json.JsonSerializer.Serialize(TrafficBody(t));

        var replies = await Task.WhenAll(Enumerable.Range(0, Callers)
            .Select(_ => Task.Run(() => SendRawAsync(HttpMethod.Post, $"/http-traffic/{t.SourceId}", json, t.Token))));

        var summary = Summary(replies);
        Assert.DoesNotContain(replies, r => (int)r.Status >= 500);
        Assert.True(replies.Count(r => r.Status == HttpStatusCode.Created) == 1, summary);
        Assert.True(replies.Count(r => r.Status == HttpStatusCode.Conflict) == Callers - 1, summary);
        foreach (var conflict in replies.Where(r => r.Status == HttpStatusCode.Conflict)) AssertProblem(conflict, HttpStatusCode.Conflict);
        var winner = replies.Single(r => r.Status == HttpStatusCode.Created);
        Assert.Equal(1, await CountAsync("http_traffic", $"request_id = '{t.RequestId}'"));
        Assert.Equal(1, await CountAsync("http_traffic", $"response_id = '{t.ResponseId}'"));
        Assert.Equal(1, await CountAsync("http_traffic", $"traffic_source_id = '{t.SourceId}'"));
        Assert.Equal(Id(winner), await ScalarAsync<string>($"SELECT id FROM http_traffic WHERE request_id = '{t.RequestId}'"));
    }

    [Fact]
    public async Task Concurrent_attaches_of_one_response_with_different_requests_make_one_traffic()
    {
        var t = await CreateTenantAsync();
        var requests = new List<string>();
        for (var i = 0; i < Callers; i++) requests.Add(await CreateRequestAsync(t.Account));

        var replies = await Task.WhenAll(requests.Select(requestId =>
            Task.Run(() => SendAsync(HttpMethod.Post, $"/http-traffic/{t.SourceId}", TrafficBody(t, requestId: requestId), t.Token))));

        var summary = Summary(replies);
        Assert.DoesNotContain(replies, r => (int)r.Status >= 500);
        Assert.True(replies.Count(r => r.Status == HttpStatusCode.Created) == 1, summary);
        Assert.True(replies.Count(r => r.Status == HttpStatusCode.Conflict) == Callers - 1, summary);
        Assert.Equal(1, await CountAsync("http_traffic", $"response_id = '{t.ResponseId}'"));
        Assert.Equal(1, await CountAsync("http_traffic", $"traffic_source_id = '{t.SourceId}'"));
    }

    [Fact]
    public async Task Concurrent_posts_of_one_domain_answer_the_same_domain_and_make_one_row()
    {
        var account = await AccountAsync();
        var sourceId = await CreateSourceAsync(account);
        var host = $"{Unique("race")}.example.com";
        // The same domain written differently: normalisation makes them one.
        var spellings = new[] { host, host.ToUpperInvariant(), host + "/", $"  {host}  " };

        var replies = await Task.WhenAll(Enumerable.Range(0, Callers).Select(i =>
            Task.Run(() => SendAsync(HttpMethod.Post, $"/domain/{sourceId}", new { value = spellings[i % spellings.Length], protocol = i % 2 == 0 ? "https" : "HTTPS" }, account.Token))));

        var summary = Summary(replies);
        Assert.True(replies.All(r => r.Status is HttpStatusCode.OK or HttpStatusCode.Created),
            $"{summary}: {string.Join(" ", replies.Where(r => r.Status is not (HttpStatusCode.OK or HttpStatusCode.Created)).Select(r => r.Body))}");
        Assert.True(replies.Count(r => r.Status == HttpStatusCode.Created) == 1, summary);
        var ids = replies.Select(Id).Distinct().ToList();
        Assert.Single(ids);
        Assert.All(replies, r => Assert.Equal(host, r.Json["value"]!.GetValue<string>()));
        Assert.Equal(1, await CountAsync("domains", $"traffic_source_id = '{sourceId}'"));
        Assert.Equal(ids[0], await ScalarAsync<string>($"SELECT id FROM domains WHERE traffic_source_id = '{sourceId}'"));
    }

    [Fact]
    public async Task Concurrent_posts_of_one_pathname_answer_the_same_pathname_and_make_one_row()
    {
        var account = await AccountAsync();
        var sourceId = await CreateSourceAsync(account);
        var domainId = await CreateDomainAsync(account, sourceId);

        var replies = await Task.WhenAll(Enumerable.Range(0, Callers).Select(_ =>
            Task.Run(() => SendAsync(HttpMethod.Post, $"/pathname/{sourceId}/{domainId}", new { value = "/checkout" }, account.Token))));

        var summary = Summary(replies);
        Assert.True(replies.All(r => r.Status is HttpStatusCode.OK or HttpStatusCode.Created),
            $"{summary}: {string.Join(" ", replies.Where(r => r.Status is not (HttpStatusCode.OK or HttpStatusCode.Created)).Select(r => r.Body))}");
        Assert.True(replies.Count(r => r.Status == HttpStatusCode.Created) == 1, summary);
        Assert.Single(replies.Select(Id).Distinct());
        Assert.Equal(1, await CountAsync("pathnames", $"domain_id = '{domainId}'"));
    }
}

public sealed class ConcurrencyTestsOnSqlite(SqliteApp app) : ConcurrencyTests(app), IClassFixture<SqliteApp>;

public sealed class ConcurrencyTestsOnPostgres(PostgresApp app) : ConcurrencyTests(app), IClassFixture<PostgresApp>;
