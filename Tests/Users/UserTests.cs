using Arkyn.Tests.Infrastructure;

namespace Arkyn.Tests.Users;

public abstract class UserTests(ArkynApp app) : ApiTest(app)
{
    const string ArkynTimestamp = @"^\d{2}/\d{2}/\d{4} at \d{2}:\d{2}:\d{2}$";

    [Fact]
    public async Task Register_returns_the_user_without_any_password()
    {
        var email = $"Mixed.Case-{Guid.NewGuid():N}@Example.com";
        var reply = await SendAsync(HttpMethod.Post, "/user", new { name = "Ada", email, password = "correct horse", utc = -3 });

        Assert.Equal(HttpStatusCode.Created, reply.Status);
        var user = reply.Json.AsObject();
        Assert.Equal(["id", "name", "email", "utc", "createdAt", "updatedAt"], user.Select(p => p.Key));
        Assert.True(Guid.TryParse(user["id"]!.GetValue<string>(), out var id) && id.Version == 7);
        Assert.Equal("Ada", user["name"]!.GetValue<string>());
        Assert.Equal(email, user["email"]!.GetValue<string>());
        Assert.Equal(-3, user["utc"]!.GetValue<double>());
        Assert.Matches(ArkynTimestamp, user["createdAt"]!.GetValue<string>());
        Assert.DoesNotContain("correct horse", reply.Body);
    }

    [Fact]
    public async Task Register_defaults_utc_to_zero_and_accepts_quarter_hours()
    {
        var plain = await SendAsync(HttpMethod.Post, "/user", new { name = "A", email = $"{Guid.NewGuid():N}@example.com", password = "12345678" });
        Assert.Equal(0, plain.Json["utc"]!.GetValue<double>());
        var india = await SendAsync(HttpMethod.Post, "/user", new { name = "B", email = $"{Guid.NewGuid():N}@example.com", password = "12345678", utc = 5.5 });
        Assert.Equal(5.5, india.Json["utc"]!.GetValue<double>());
    }

    [Theory]
    [InlineData("""{"email":"x@example.com","password":"12345678"}""", "name")]
    [InlineData("""{"name":"","email":"x@example.com","password":"12345678"}""", "name")]
    [InlineData("""{"name":"A","email":"not-an-email","password":"12345678"}""", "email")]
    [InlineData("""{"name":"A","password":"12345678"}""", "email")]
    [InlineData("""{"name":"A","email":"x@example.com","password":"short"}""", "password")]
    [InlineData("""{"name":"A","email":"x@example.com"}""", "password")]
    [InlineData("""{"name":"A","email":"x@example.com","password":"12345678","utc":15}""", "utc")]
    [InlineData("""{"name":"A","email":"x@example.com","password":"12345678","utc":-12.5}""", "utc")]
    [InlineData("""{"name":"A","email":"x@example.com","password":"12345678","utc":1.1}""", "utc")]
    [InlineData("""{"name":5,"email":"x@example.com","password":"12345678"}""", "name")]
    [InlineData("""{"name":"A","email":"x@example.com","password":"12345678","utc":"3"}""", "utc")]
    public async Task Register_rejects_invalid_input_naming_the_field(string json, string field)
    {
        var reply = await SendRawAsync(HttpMethod.Post, "/user", json);
        AssertProblem(reply, HttpStatusCode.BadRequest, field);
    }

    [Fact]
    public async Task Register_refuses_an_email_taken_in_any_case()
    {
        var email = $"taken-{Guid.NewGuid():N}@example.com";
        Assert.Equal(HttpStatusCode.Created, (await SendAsync(HttpMethod.Post, "/user", new { name = "A", email, password = "12345678" })).Status);

        var again = await SendAsync(HttpMethod.Post, "/user", new { name = "B", email = email.ToUpperInvariant(), password = "87654321" });

        AssertProblem(again, HttpStatusCode.Conflict, "email");
        Assert.Equal(1, await ScalarAsync<int>($"SELECT COUNT(*) FROM users WHERE email_key = '{email.ToUpperInvariant()}'"));
    }

    [Fact]
    public async Task Auth_gives_a_token_for_the_right_password_in_any_email_case()
    {
        var account = await RegisterAsync();
        var reply = await SendAsync(HttpMethod.Post, "/user/auth", new { email = account.Email.ToUpperInvariant(), password = account.Password });

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.Equal(["token"], reply.Json.AsObject().Select(p => p.Key));
        Assert.Equal(3, reply.Json["token"]!.GetValue<string>().Split('.').Length);
    }

    [Fact]
    public async Task Auth_answers_a_wrong_password_and_an_unknown_email_alike()
    {
        var account = await RegisterAsync();
        var wrongPassword = await SendAsync(HttpMethod.Post, "/user/auth", new { email = account.Email, password = "not the password" });
        var unknownEmail = await SendAsync(HttpMethod.Post, "/user/auth", new { email = "nobody@example.com", password = account.Password });

        var first = AssertProblem(wrongPassword, HttpStatusCode.Unauthorized);
        var second = AssertProblem(unknownEmail, HttpStatusCode.Unauthorized);
        Assert.Equal(first["detail"]!.GetValue<string>(), second["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task Auth_rejects_missing_fields()
    {
        AssertProblem(await SendRawAsync(HttpMethod.Post, "/user/auth", "{}"), HttpStatusCode.BadRequest, "email");
        AssertProblem(await SendRawAsync(HttpMethod.Post, "/user/auth", """{"email":"a@b.c"}"""), HttpStatusCode.BadRequest, "password");
    }

    [Fact]
    public async Task Me_returns_the_caller()
    {
        var account = await RegisterAsync("Grace");
        var reply = await SendAsync(HttpMethod.Get, "/user/me", token: account.Token);

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.Equal(account.Id, reply.Json["id"]!.GetValue<string>());
        Assert.Equal("Grace", reply.Json["name"]!.GetValue<string>());
        Assert.Null(reply.Json["password"]);
        Assert.Null(reply.Json["passwordHash"]);
    }

    [Fact]
    public async Task A_missing_token_is_400_and_a_bad_one_401()
    {
        var account = await RegisterAsync();
        var missing = await SendAsync(HttpMethod.Get, "/user/me");
        var emptyBearer = await SendRawAsync(HttpMethod.Get, "/user/me", null, configure: r => r.Headers.TryAddWithoutValidation("Authorization", "Bearer "));
        var garbage = await SendAsync(HttpMethod.Get, "/user/me", token: "not-a-jwt");
        var tampered = await SendAsync(HttpMethod.Get, "/user/me", token: account.Token[..^3] + (account.Token.EndsWith("AAA") ? "BBB" : "AAA"));
        var basic = await SendRawAsync(HttpMethod.Get, "/user/me", null, configure: r => r.Headers.TryAddWithoutValidation("Authorization", "Basic dXNlcjpwYXNz"));

        AssertProblem(missing, HttpStatusCode.BadRequest);
        AssertProblem(emptyBearer, HttpStatusCode.BadRequest);
        AssertProblem(garbage, HttpStatusCode.Unauthorized);
        AssertProblem(tampered, HttpStatusCode.Unauthorized);
        AssertProblem(basic, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Tokens_signed_with_another_key_or_expired_are_401()
    {
        var account = await RegisterAsync();
        var otherKey = Jwt.Sign(account.Id, "a-completely-different-signing-key-of-enough-bytes", DateTime.UtcNow.AddHours(1));
        var expired = Jwt.Sign(account.Id, App.Services.GetSigningKey(), DateTime.UtcNow.AddMinutes(-5));
        var valid = Jwt.Sign(account.Id, App.Services.GetSigningKey(), DateTime.UtcNow.AddMinutes(5));

        AssertProblem(await SendAsync(HttpMethod.Get, "/user/me", token: otherKey), HttpStatusCode.Unauthorized);
        AssertProblem(await SendAsync(HttpMethod.Get, "/user/me", token: expired), HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, "/user/me", token: valid)).Status);
    }

    [Fact]
    public async Task The_token_of_a_user_deleted_behind_the_servers_back_is_401_within_5_seconds()
    {
        var account = await RegisterAsync();
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, "/user/me", token: account.Token)).Status);

        await ExecuteSqlAsync($"DELETE FROM users WHERE id = '{account.Id}'");

        var refusedAfter = await Eventually.StatusAsync(() => SendAsync(HttpMethod.Get, "/user/me", token: account.Token), HttpStatusCode.Unauthorized);
        Assert.True(refusedAfter < TimeSpan.FromSeconds(5), $"still accepted after {refusedAfter}");
        AssertProblem(await SendAsync(HttpMethod.Get, "/user/me", token: account.Token), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Update_changes_only_the_given_fields()
    {
        var account = await RegisterAsync("Before");
        var renamed = await SendAsync(HttpMethod.Put, $"/user/{account.Id.ToUpperInvariant()}", new { name = "After" }, account.Token);
        Assert.Equal(HttpStatusCode.OK, renamed.Status);
        Assert.Equal("After", renamed.Json["name"]!.GetValue<string>());
        Assert.Equal(0, renamed.Json["utc"]!.GetValue<double>());

        var moved = await SendAsync(HttpMethod.Put, $"/user/{account.Id}", new { utc = 9 }, account.Token);
        Assert.Equal("After", moved.Json["name"]!.GetValue<string>());
        Assert.Equal(9, moved.Json["utc"]!.GetValue<double>());

        var me = await SendAsync(HttpMethod.Get, "/user/me", token: account.Token);
        Assert.Equal(9, me.Json["utc"]!.GetValue<double>());
    }

    [Fact]
    public async Task Update_rejects_bad_input_others_and_unknown_users()
    {
        var me = await RegisterAsync();
        var other = await RegisterAsync("Other");

        AssertProblem(await SendAsync(HttpMethod.Put, "/user/not-a-uuid", new { name = "x" }, me.Token), HttpStatusCode.BadRequest, "userId");
        AssertProblem(await SendAsync(HttpMethod.Put, $"/user/{me.Id}", new { utc = 99 }, me.Token), HttpStatusCode.BadRequest, "utc");
        AssertProblem(await SendAsync(HttpMethod.Put, $"/user/{me.Id}", new { name = "" }, me.Token), HttpStatusCode.BadRequest, "name");
        AssertProblem(await SendAsync(HttpMethod.Put, $"/user/{other.Id}", new { name = "Hijacked" }, me.Token), HttpStatusCode.Forbidden);
        AssertProblem(await SendAsync(HttpMethod.Put, $"/user/{Guid.CreateVersion7()}", new { name = "x" }, me.Token), HttpStatusCode.NotFound);
        AssertProblem(await SendAsync(HttpMethod.Put, $"/user/{me.Id}", new { name = "x" }), HttpStatusCode.BadRequest);
        AssertProblem(await SendAsync(HttpMethod.Put, $"/user/{me.Id}", new { name = "x" }, "bad.token.here"), HttpStatusCode.Unauthorized);

        var untouched = await SendAsync(HttpMethod.Get, "/user/me", token: other.Token);
        Assert.Equal("Other", untouched.Json["name"]!.GetValue<string>());
    }
}

public sealed class UserTestsOnSqlite(SqliteApp app) : UserTests(app), IClassFixture<SqliteApp>;

public sealed class UserTestsOnPostgres(PostgresApp app) : UserTests(app), IClassFixture<PostgresApp>;
