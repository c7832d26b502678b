using Arkyn.Features.Retention;
using Arkyn.Tests.Infrastructure;
using Arkyn.Tests.Traffic;
using LinqToDB;
using LinqToDB.Data;
using Microsoft.Extensions.DependencyInjection;

namespace Arkyn.Tests.Retention;

/// <summary>retentionDays on sources, and the sweep that deletes what they keep no longer.</summary>
public abstract class RetentionTests(ArkynApp app) : TrafficTest(app)
{
    Task<Reply> PostRecordAsync(Account owner, string sourceId, DateTimeOffset at, string path = "/users/1", int bodyBytes = 0) =>
        SendAsync(HttpMethod.Post, $"/http-traffic-record/{sourceId}", new
        {
            timestamp = at.ToString("O"), domainUrl = "https://api.example.com", pathnameUrl = path, method = "GET", status = 200, elapsedTime = 3,
            requestHeaders = new { }, queryParams = new { }, responseHeaders = new { },
            responseBody = bodyBytes == 0 ? null : new string('x', bodyBytes),
        }, owner.Token);

    async Task<string> RecordAsync(Account owner, string sourceId, DateTimeOffset at, string path = "/users/1")
    {
        var reply = await PostRecordAsync(owner, sourceId, at, path);
        Assert.True(reply.Status == HttpStatusCode.Created, reply.Body);
        return Id(reply);
    }

    async Task<string> SourceAsync(Account owner, int? retentionDays)
    {
        var reply = await SendAsync(HttpMethod.Post, "/traffic-source", new { name = "Kept", trafficDomain = $"{Unique("app")}.example.com", retentionDays }, owner.Token);
        Assert.True(reply.Status == HttpStatusCode.Created, reply.Body);
        Assert.Equal(retentionDays, reply.Json["retentionDays"]?.GetValue<int>());
        return Id(reply);
    }

    Task<long> SweepAsync() => App.Services.GetRequiredService<Sweep>().SweepOnceAsync(Ct);

    [Fact]
    public async Task RetentionDays_is_validated_kept_and_reset_to_the_default_by_null()
    {
        var owner = await AccountAsync();
        foreach (var bad in new object[] { 0, 3651, -1, "30" })
        {
            var reply = await SendAsync(HttpMethod.Post, "/traffic-source", new { name = "x", trafficDomain = $"{Unique("a")}.example.com", retentionDays = bad }, owner.Token);
            AssertProblem(reply, HttpStatusCode.BadRequest, "retentionDays");
        }
        var sourceId = await SourceAsync(owner, 3650);
        var byDefault = await SendAsync(HttpMethod.Post, "/traffic-source", new { name = "y", trafficDomain = $"{Unique("a")}.example.com" }, owner.Token);
        Assert.True(byDefault.Json.AsObject().ContainsKey("retentionDays"));
        Assert.Null(byDefault.Json["retentionDays"]);

        var renamed = await SendAsync(HttpMethod.Put, $"/traffic-source/{sourceId}", new { name = "Renamed" }, owner.Token);
        Assert.Equal(3650, renamed.Json["retentionDays"]!.GetValue<int>());
        var set = await SendAsync(HttpMethod.Put, $"/traffic-source/{sourceId}", new { retentionDays = 1 }, owner.Token);
        Assert.Equal(1, set.Json["retentionDays"]!.GetValue<int>());
        AssertProblem(await SendAsync(HttpMethod.Put, $"/traffic-source/{sourceId}", new { retentionDays = 0 }, owner.Token), HttpStatusCode.BadRequest, "retentionDays");
        var reset = await SendRawAsync(HttpMethod.Put, $"/traffic-source/{sourceId}", """{"retentionDays":null}""", owner.Token);
        Assert.True(reset.Status == HttpStatusCode.OK, reset.Body);
        Assert.True(reset.Json.AsObject().ContainsKey("retentionDays"));
        Assert.Null(reset.Json["retentionDays"]);
        Assert.Equal("Renamed", reset.Json["name"]!.GetValue<string>());
        var listed = await SendAsync(HttpMethod.Get, "/traffic-source?pageLimit=100", token: owner.Token);
        Assert.Contains(listed.Json["data"]!.AsArray(), s => s!["id"]!.GetValue<string>() == sourceId && s["retentionDays"] is null);
    }

    [Fact]
    public async Task The_sweep_deletes_expired_traffic_with_its_payloads_and_keeps_domains_pathnames_and_the_rest()
    {
        var owner = await AccountAsync();
        var now = DateTimeOffset.UtcNow;
        var shortLived = await SourceAsync(owner, 1);
        var byDefault = await SourceAsync(owner, null);
        var expiredShort = await RecordAsync(owner, shortLived, now.AddDays(-2), "/old");
        var keptShort = await RecordAsync(owner, shortLived, now.AddHours(-12));
        var expiredDefault = await RecordAsync(owner, byDefault, now.AddDays(-31), "/old");
        var keptDefault = await RecordAsync(owner, byDefault, now.AddDays(-20));
        var other = await CreateTenantAsync("Other");
        await CreateTrafficAsync(other);
        var otherBefore = await ListingsAsync(other);
        var expired = $"'{expiredShort}', '{expiredDefault}'";
        var payloads = $"SELECT request_id FROM http_traffic WHERE id IN ({expired}) UNION SELECT response_id FROM http_traffic WHERE id IN ({expired})";
        var payloadIds = await QueryAsync(payloads);
        Assert.Equal(4, payloadIds.Count);
        var domains = await CountAsync("domains", $"traffic_source_id IN ('{shortLived}', '{byDefault}')");
        var pathnames = await CountAsync("pathnames", $"traffic_source_id IN ('{shortLived}', '{byDefault}')");

        Assert.True(await SweepAsync() >= 0);

        Assert.Equal(0, await CountAsync("http_traffic", $"id IN ({expired})"));
        var gone = string.Join(", ", payloadIds.Select(id => $"'{id}'"));
        Assert.Equal(0, await CountAsync("requests", $"id IN ({gone})"));
        Assert.Equal(0, await CountAsync("responses", $"id IN ({gone})"));
        Assert.Equal(1, await CountAsync("http_traffic", $"id = '{keptShort}'"));
        Assert.Equal(1, await CountAsync("http_traffic", $"id = '{keptDefault}'"));
        Assert.Equal(domains, await CountAsync("domains", $"traffic_source_id IN ('{shortLived}', '{byDefault}')"));
        Assert.Equal(pathnames, await CountAsync("pathnames", $"traffic_source_id IN ('{shortLived}', '{byDefault}')"));
        Assert.Equal(otherBefore, await ListingsAsync(other));
        var kept = await SendAsync(HttpMethod.Get, $"/http-traffic-record/{shortLived}/{keptShort}", token: owner.Token);
        Assert.Equal(HttpStatusCode.OK, kept.Status);

        // Nothing more to do the second time; a longer retention set later keeps what is left.
        Assert.Equal(0, await SweepAsync());
        Assert.Equal(2, await CountAsync("http_traffic", $"traffic_source_id IN ('{shortLived}', '{byDefault}')"));
    }

    [Fact]
    public async Task A_sweep_of_more_than_one_chunk_deletes_all_of_it()
    {
        var owner = await AccountAsync();
        var sourceId = await SourceAsync(owner, 1);
        var old = DateTimeOffset.UtcNow.AddDays(-3);
        const int count = ChunkSizeForTests + 1500;
        for (var at = 0; at < count; at += 1000)
        {
            var batch = await SendAsync(HttpMethod.Post, $"/http-traffic-record/{sourceId}/batch", new
            {
                records = Enumerable.Range(at, Math.Min(1000, count - at)).Select(i => new
                {
                    timestamp = old.AddSeconds(i).ToString("O"), domainUrl = "https://api.example.com", pathnameUrl = $"/p/{i % 10}", method = "GET",
                    status = 200, elapsedTime = 1, requestHeaders = new { }, queryParams = new { }, responseHeaders = new { },
                }),
            }, owner.Token);
            Assert.Equal(HttpStatusCode.MultiStatus, batch.Status);
        }
        var fresh = await RecordAsync(owner, sourceId, DateTimeOffset.UtcNow);
        await SweepAsync();
        Assert.Equal(1, await CountAsync("http_traffic", $"traffic_source_id = '{sourceId}'"));
        Assert.Equal(1, await CountAsync("http_traffic", $"id = '{fresh}'"));
        Assert.Equal(1, await CountAsync("requests", $"user_id = '{owner.Id}'"));
        Assert.Equal(1, await CountAsync("responses", $"user_id = '{owner.Id}'"));
    }

    const int ChunkSizeForTests = Arkyn.Infrastructure.Database.ChunkedDeletes.MaxChunkSize;

    protected async Task<List<string>> QueryAsync(string sql)
    {
        await using var db = new LinqToDB.Data.DataConnection(App.Services.GetRequiredService<LinqToDB.DataOptions>());
        return (await db.QueryToListAsync<string>(sql, Ct)).ToList();
    }
}

public sealed class RetentionTestsOnSqlite(SqliteApp app) : RetentionTests(app), IClassFixture<SqliteApp>
{
    /// <summary>SQLite gives the freed pages back: the file gets smaller after a sweep.</summary>
    [Fact]
    public async Task The_sqlite_file_shrinks_after_a_sweep()
    {
        Assert.Equal(2, await ScalarAsync<int>("PRAGMA auto_vacuum"));
        var owner = await AccountAsync();
        var sourceId = (await SendAsync(HttpMethod.Post, "/traffic-source", new { name = "Big", trafficDomain = $"{Unique("big")}.example.com", retentionDays = 1 }, owner.Token)).Json["id"]!.GetValue<string>();
        var before = await ScalarAsync<long>("PRAGMA page_count");
        var old = DateTimeOffset.UtcNow.AddDays(-2);
        for (var i = 0; i < 200; i++)
        {
            var reply = await SendAsync(HttpMethod.Post, $"/http-traffic-record/{sourceId}", new
            {
                timestamp = old.AddSeconds(i).ToString("O"), domainUrl = "https://api.example.com", pathnameUrl = "/big", method = "GET", status = 200,
                elapsedTime = 3, requestHeaders = new { }, queryParams = new { }, responseHeaders = new { }, responseBody = new string('x', 30_000),
            }, owner.Token);
            Assert.Equal(HttpStatusCode.Created, reply.Status);
        }
        var full = await ScalarAsync<long>("PRAGMA page_count");
        Assert.True(full > before + 1000, $"{before} -> {full} pages");

        await App.Services.GetRequiredService<Sweep>().SweepOnceAsync(Ct);

        var after = await ScalarAsync<long>("PRAGMA page_count");
        Assert.True(after < before + 200, $"pages: {before} before, {full} full, {after} after the sweep");
        Assert.Equal(0, await ScalarAsync<long>("PRAGMA freelist_count"));
    }

    /// <summary>A file made before incremental auto-vacuum existed is switched over (with its one VACUUM) at start, its data intact.</summary>
    [Fact]
    public async Task An_older_file_is_switched_to_incremental_auto_vacuum_at_start()
    {
        var folder = Directory.CreateTempSubdirectory("arkyn-vacuum-").FullName;
        try
        {
            var connection = $"Data Source={Path.Combine(folder, "old.db")};Pooling=false";
            var options = new LinqToDB.DataOptions().UseSQLite(connection, LinqToDB.DataProvider.SQLite.SQLiteProvider.Microsoft);
            await using (var db = new DataConnection(options))
            {
                await db.ExecuteAsync("PRAGMA auto_vacuum=NONE", Ct);
                await db.ExecuteAsync("CREATE TABLE kept (value TEXT)", Ct);
                await db.ExecuteAsync("INSERT INTO kept VALUES ('still here')", Ct);
                Assert.Equal(0, await db.ExecuteAsync<int>("PRAGMA auto_vacuum", Ct));
            }
            await new Arkyn.Infrastructure.Database.Migrator(options, Microsoft.Extensions.Logging.Abstractions.NullLogger<Arkyn.Infrastructure.Database.Migrator>.Instance)
                .MigrateAsync(Ct);
            await using (var db = new DataConnection(options))
            {
                Assert.Equal(2, await db.ExecuteAsync<int>("PRAGMA auto_vacuum", Ct));
                Assert.Equal("still here", await db.ExecuteAsync<string>("SELECT value FROM kept", Ct));
                Assert.Equal(9, await db.ExecuteAsync<int>("SELECT MAX(version) FROM schema_version", Ct));
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
        }
    }
}

public sealed class RetentionTestsOnPostgres(PostgresApp app) : RetentionTests(app), IClassFixture<PostgresApp>
{
    /// <summary>With several servers on one database, a sweep that finds another one sweeping skips its round.</summary>
    [Fact]
    public async Task Only_one_server_sweeps_at_a_time()
    {
        var owner = await AccountAsync();
        var sourceId = Id(await SendAsync(HttpMethod.Post, "/traffic-source", new { name = "x", trafficDomain = $"{Unique("a")}.example.com", retentionDays = 1 }, owner.Token));
        var reply = await SendAsync(HttpMethod.Post, $"/http-traffic-record/{sourceId}", new
        {
            timestamp = DateTimeOffset.UtcNow.AddDays(-2).ToString("O"), domainUrl = "https://api.example.com", pathnameUrl = "/old", method = "GET",
            status = 200, elapsedTime = 3, requestHeaders = new { }, queryParams = new { }, responseHeaders = new { },
        }, owner.Token);
        Assert.Equal(HttpStatusCode.Created, reply.Status);
        var options = App.Services.GetRequiredService<LinqToDB.DataOptions>();
        var sweep = App.Services.GetRequiredService<Sweep>();

        await using (var otherServer = await Arkyn.Infrastructure.Database.Locks.TryHoldAsync(options, Arkyn.Infrastructure.Database.Locks.RetentionSweep, Ct))
        {
            Assert.NotNull(otherServer);
            Assert.Null(await Arkyn.Infrastructure.Database.Locks.TryHoldAsync(options, Arkyn.Infrastructure.Database.Locks.RetentionSweep, Ct));
            Assert.Equal(0, await sweep.SweepOnceAsync(Ct));
            Assert.Equal(1, await CountAsync("http_traffic", $"traffic_source_id = '{sourceId}'"));
        }
        Assert.Equal(1, await sweep.SweepOnceAsync(Ct));
        Assert.Equal(0, await CountAsync("http_traffic", $"traffic_source_id = '{sourceId}'"));
    }
}
