using System.Net.Http.Headers;
using LinqToDB.Data;
using Microsoft.Extensions.DependencyInjection;
using System.Text;
using System.Text.Json;

namespace Arkyn.Tests.Infrastructure;

/// <summary>
/// Base of every HTTP test: a client on the class's own server and database, and helpers that act like a
/// client would. Each test class is declared twice, once per engine, so every test runs on both.
/// </summary>
public abstract class ApiTest
{
    protected ApiTest(ArkynApp app)
    {
        Assert.SkipWhen(app.SkipReason is not null, app.SkipReason ?? "");
        App = app;
        Client = app.CreateClient();
    }

    protected ArkynApp App { get; }
    protected HttpClient Client { get; }
    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    public sealed record Account(string Id, string Email, string Password, string Token);

    protected async Task<Account> RegisterAsync(string? name = null)
    {
        var email = $"user-{Guid.NewGuid():N}@example.com";
        const string password = "correct horse battery";
        var created = await SendAsync(HttpMethod.Post, "/user", new { name = name ?? "Test User", email, password });
        Assert.Equal(HttpStatusCode.Created, created.Status);
        var auth = await SendAsync(HttpMethod.Post, "/user/auth", new { email, password });
        Assert.Equal(HttpStatusCode.OK, auth.Status);
        return new Account(created.Json["id"]!.GetValue<string>(), email, password, auth.Json["token"]!.GetValue<string>());
    }

    public sealed record Reply(HttpStatusCode Status, string Body, HttpResponseMessage Message)
    {
        public JsonNode Json => JsonNode.Parse(Body) ?? throw new InvalidOperationException("empty body");
        public string? ContentType => Message.Content.Headers.ContentType?.MediaType;
    }

    protected Task<Reply> SendAsync(HttpMethod method, string path, object? body = null, string? token = null) =>
        SendRawAsync(method, path, body is null ? null : JsonSerializer.Serialize(body), token);

    protected async Task<Reply> SendRawAsync(HttpMethod method, string path, string? json, string? token = null,
        Action<HttpRequestMessage>? configure = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null) request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        configure?.Invoke(request);
        var response = await Client.SendAsync(request, Ct);
        return new Reply(response.StatusCode, await response.Content.ReadAsStringAsync(Ct), response);
    }

    /// <summary>Asserts the one error shape: problem+json with the status, and the named field among the errors when given.</summary>
    protected static JsonNode AssertProblem(Reply reply, HttpStatusCode status, string? field = null)
    {
        Assert.True(reply.Status == status, $"expected {(int)status}, got {(int)reply.Status}: {reply.Body}");
        Assert.Equal("application/problem+json", reply.ContentType);
        var json = reply.Json;
        Assert.Equal((int)status, json["status"]!.GetValue<int>());
        Assert.False(string.IsNullOrEmpty(json["title"]?.GetValue<string>()));
        Assert.False(string.IsNullOrEmpty(json["traceId"]?.GetValue<string>()));
        if (field is not null)
            Assert.True(json["errors"]?[field] is JsonArray { Count: > 0 }, $"expected an error on '{field}': {reply.Body}");
        return json;
    }

    /// <summary>Runs SQL straight on the app's database, for arranging what no route can (a deleted user, a broken table).</summary>
    protected async Task<int> ExecuteSqlAsync(string sql)
    {
        await using var db = new LinqToDB.Data.DataConnection(App.Services.GetRequiredService<LinqToDB.DataOptions>());
        return await db.ExecuteAsync(sql, Ct);
    }

    protected async Task<T> ScalarAsync<T>(string sql)
    {
        await using var db = new LinqToDB.Data.DataConnection(App.Services.GetRequiredService<LinqToDB.DataOptions>());
        return await db.ExecuteAsync<T>(sql, Ct);
    }
}
