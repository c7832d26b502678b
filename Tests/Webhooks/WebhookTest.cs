using Arkyn.Tests.Infrastructure;
using Arkyn.Tests.Ingest;

namespace Arkyn.Tests.Webhooks;

/// <summary>
/// Settings that make alerts quick to observe: rules checked every 0.2 s, level events coalesced per second and read
/// half a second after they happened, retries
/// after 0.1 s, and loopback targets allowed so the in-process <see cref="Receiver"/> can be posted to.
/// </summary>
public static class FastAlerts
{
    public static Dictionary<string, string?> Settings(int maxAttempts = 3, int disableAfterFailures = 3) => new()
    {
        ["Alerts:AllowPrivateTargets"] = "true",
        ["Alerts:EvaluateEvery"] = "00:00:00.2",
        ["Alerts:CoalesceWindow"] = "00:00:01",
        ["Alerts:RetryDelay"] = "00:00:00.1",
        ["Alerts:LevelDelay"] = "00:00:00.5",
        ["Alerts:MaxAttempts"] = maxAttempts.ToString(),
        ["Alerts:DisableAfterFailures"] = disableAfterFailures.ToString(),
    };
}

public sealed class AlertsSqliteApp() : ArkynApp(Engine.Sqlite, FastAlerts.Settings());

public sealed class AlertsPostgresApp() : ArkynApp(Engine.Postgres, FastAlerts.Settings());

/// <summary>Helpers of the webhook tests: a receiver, webhooks made through the API, and polling with generous timeouts.</summary>
public abstract class WebhookTest(ArkynApp app) : IngestTest(app), IAsyncLifetime
{
    protected static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    protected Receiver Receiver { get; private set; } = null!;

    public virtual async ValueTask InitializeAsync() => Receiver = await Receiver.StartAsync();

    public virtual async ValueTask DisposeAsync()
    {
        await Receiver.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    protected static JsonObject LevelRule(params string[] levels) =>
        new() { ["kind"] = "level", ["levels"] = new JsonArray(levels.Select(l => (JsonNode?)l).ToArray()) };

    protected async Task<JsonNode> CreateWebhookAsync(Tenant t, JsonObject rule, string? url = null, string format = "json",
        HttpClient? client = null, string name = "alerts")
    {
        var reply = await PostAsync($"/webhooks/{t.SourceId}",
            new JsonObject { ["name"] = name, ["url"] = url ?? $"{Receiver.Url}/hook", ["format"] = format, ["rule"] = rule }, t.Owner.Token, client);
        Assert.True(reply.Status == HttpStatusCode.Created, reply.Body);
        return reply.Json;
    }

    protected static string Str(JsonNode node, string key) => node[key]!.GetValue<string>();

    /// <summary>Polls until the condition holds; fails after <see cref="Patience"/>. Never depends on how fast the machine is.</summary>
    protected static async Task EventuallyAsync(Func<Task<bool>> condition, string what)
    {
        var until = DateTime.UtcNow + Patience;
        while (!await condition())
        {
            if (DateTime.UtcNow > until) Assert.Fail($"timed out waiting for: {what}");
            await Task.Delay(100, Ct);
        }
    }

    protected Task EventuallyAsync(Func<bool> condition, string what) => EventuallyAsync(() => Task.FromResult(condition()), what);

    /// <summary>The posts the receiver got for one webhook (path /hook-<name>), each event once per attempt.</summary>
    protected IReadOnlyList<Receiver.Received> PostsTo(string path) => Receiver.Posts.Where(p => p.Path == path).ToList();

    protected async Task<JsonArray> DeliveriesAsync(string token, string webhookId, HttpClient? client = null)
    {
        var reply = await SendOnAsync(client ?? Client, HttpMethod.Get, $"/webhooks/{webhookId}/deliveries?pageLimit=100", null, token);
        Assert.True(reply.Status == HttpStatusCode.OK, reply.Body);
        return reply.Json["data"]!.AsArray();
    }

    protected async Task<JsonNode> WebhookAsync(Tenant t, string webhookId, HttpClient? client = null)
    {
        var reply = await SendOnAsync(client ?? Client, HttpMethod.Get, $"/webhooks/{t.SourceId}?pageLimit=100", null, t.Owner.Token);
        Assert.True(reply.Status == HttpStatusCode.OK, reply.Body);
        return reply.Json["data"]!.AsArray().Single(w => w!["id"]!.GetValue<string>() == webhookId)!;
    }

    protected static JsonObject Timed(int status, double elapsed, string pathname = "/users/42", string method = "GET")
    {
        var r = Record(pathnameUrl: pathname, method: method, status: status);
        r["elapsedTime"] = elapsed;
        return r;
    }

    protected async Task PostRecordsAsync(Tenant t, IEnumerable<JsonObject> records, HttpClient? client = null)
    {
        var reply = await PostBatchAsync(t, records, client: client);
        Assert.True(reply.Status is HttpStatusCode.OK or HttpStatusCode.Created or HttpStatusCode.MultiStatus, reply.Body);
        Assert.Empty(reply.Json["errors"]!.AsArray());
    }
}
