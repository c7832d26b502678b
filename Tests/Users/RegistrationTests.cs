using Arkyn.Tests.Infrastructure;

namespace Arkyn.Tests.Users;

/// <summary>GET /user/registration on a server whose registration is closed: open only until the first account exists.</summary>
public abstract class RegistrationTests(ArkynApp app) : ApiTest(app)
{
    [Fact]
    public async Task Registration_is_open_for_the_first_account_only_and_says_so()
    {
        var fresh = await SendAsync(HttpMethod.Get, "/user/registration");
        Assert.Equal(HttpStatusCode.OK, fresh.Status);
        Assert.Equal("""{"open":true,"firstAccount":true}""", fresh.Body);

        var first = await SendAsync(HttpMethod.Post, "/user", new { name = "First", email = "first@example.com", password = "correct horse" });
        Assert.Equal(HttpStatusCode.Created, first.Status);
        Assert.Equal("""{"open":false,"firstAccount":false}""", (await SendAsync(HttpMethod.Get, "/user/registration")).Body);
        AssertProblem(await SendAsync(HttpMethod.Post, "/user", new { name = "Second", email = "second@example.com", password = "correct horse" }), HttpStatusCode.Forbidden);
    }
}

public sealed class ClosedRegistrationSqliteApp() : ArkynApp(Engine.Sqlite, new Dictionary<string, string?> { ["Auth:AllowRegistration"] = "false" });

public sealed class ClosedRegistrationPostgresApp() : ArkynApp(Engine.Postgres, new Dictionary<string, string?> { ["Auth:AllowRegistration"] = "false" });

public sealed class RegistrationTestsOnSqlite(ClosedRegistrationSqliteApp app) : RegistrationTests(app), IClassFixture<ClosedRegistrationSqliteApp>;

public sealed class RegistrationTestsOnPostgres(ClosedRegistrationPostgresApp app) : RegistrationTests(app), IClassFixture<ClosedRegistrationPostgresApp>;
