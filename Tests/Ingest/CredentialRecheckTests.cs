using Arkyn.Tests.Infrastructure;

namespace Arkyn.Tests.Ingest;

/// <summary>
/// Credentials are not looked up on every request: a server keeps what it found for 2 s. A change made through one
/// server must still reach every server sharing the database within 5 s.
/// </summary>
public abstract class CredentialRecheckTests(ArkynApp app) : IngestTest(app)
{
    [Fact]
    public async Task A_key_revoked_through_one_server_stops_working_on_another_within_5_seconds()
    {
        var t = await TenantAsync();
        await using var other = new ArkynApp(App.Engine, new Dictionary<string, string?> { ["ConnectionStrings:Arkyn"] = App.ConnectionString });
        await other.InitializeAsync();
        using var otherClient = other.CreateClient();
        Task<Reply> PostThroughOtherAsync() => SendWithAsync(otherClient, $"/http-traffic-record/{t.SourceId}", Record(), t.Key);
        AssertStatus(HttpStatusCode.Created, await PostThroughOtherAsync());

        AssertStatus(HttpStatusCode.NoContent, await SendAsync(HttpMethod.Delete, $"/ingest-key/{t.KeyId}", token: t.Owner.Token));

        AssertProblem(await PostRecordAsync(t, Record()), HttpStatusCode.Unauthorized);
        var refusedAfter = await Eventually.StatusAsync(PostThroughOtherAsync, HttpStatusCode.Unauthorized);
        Assert.True(refusedAfter < TimeSpan.FromSeconds(5), $"the other server still accepted the key after {refusedAfter}");
    }

    [Fact]
    public async Task A_deleted_users_token_stops_working_on_every_server_within_5_seconds()
    {
        var account = await RegisterAsync();
        await using var other = new ArkynApp(App.Engine, new Dictionary<string, string?> { ["ConnectionStrings:Arkyn"] = App.ConnectionString });
        await other.InitializeAsync();
        using var otherClient = other.CreateClient();
        Task<Reply> MeThroughOtherAsync() => SendWithAsync(otherClient, "/user/me", null, account.Token);
        AssertStatus(HttpStatusCode.OK, await MeThroughOtherAsync());

        await ExecuteSqlAsync($"DELETE FROM users WHERE id = '{account.Id}'");

        var refusedAfter = await Eventually.StatusAsync(MeThroughOtherAsync, HttpStatusCode.Unauthorized);
        Assert.True(refusedAfter < TimeSpan.FromSeconds(5), $"the other server still accepted the token after {refusedAfter}");
    }

    static async Task<Reply> SendWithAsync(HttpClient client, string path, JsonNode? body, string token)
    {
        using var request = new HttpRequestMessage(body is null ? HttpMethod.Get : HttpMethod.Post, path);
        if (body is not null) request.Content = new StringContent(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        var response = await client.SendAsync(request, Ct);
        return new Reply(response.StatusCode, await response.Content.ReadAsStringAsync(Ct), response);
    }
}

public sealed class CredentialRecheckTestsOnSqlite(SqliteApp app) : CredentialRecheckTests(app), IClassFixture<SqliteApp>;

public sealed class CredentialRecheckTestsOnPostgres(PostgresApp app) : CredentialRecheckTests(app), IClassFixture<PostgresApp>;
