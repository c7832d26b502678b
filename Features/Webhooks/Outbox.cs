using System.Text.Json.Nodes;

namespace Arkyn.Features.Webhooks;

/// <summary>
/// Events are stored (body and a pending delivery) before anything is sent: the sender reads them from here, so a
/// restart or a crash between an event and its delivery loses nothing. Callers write inside their transaction.
/// </summary>
public sealed class Outbox(Timestamps time, OutboxSignal signal)
{
    public const string TrafficLevel = "traffic.level", AlertFiring = "alert.firing", AlertResolved = "alert.resolved", Test = "webhook.test";

    public async Task<string> AddAsync(Db db, WebhookRow webhook, string sourceName, string type, JsonObject data, CancellationToken ct)
    {
        var now = time.Now();
        var id = Ids.New();
        var body = new JsonObject
        {
            ["id"] = id,
            ["type"] = type,
            ["createdAt"] = time.Format(now),
            ["trafficSource"] = new JsonObject { ["id"] = webhook.TrafficSourceId, ["name"] = sourceName },
            ["webhook"] = new JsonObject { ["id"] = webhook.Id, ["name"] = webhook.Name },
            ["data"] = data,
        };
        await db.InsertAsync(new WebhookEventRow { Id = id, WebhookId = webhook.Id, Type = type, Payload = body.ToJsonString(), CreatedAt = now }, token: ct);
        await db.InsertAsync(new WebhookDeliveryRow
        {
            Id = Ids.New(), EventId = id, WebhookId = webhook.Id, Type = type, Status = DeliveryStatus.Pending, NextAttemptAt = now, CreatedAt = now,
        }, token: ct);
        return id;
    }

    public string Format(long unixMilliseconds) => time.Format(unixMilliseconds);

    /// <summary>Wakes this server's sender once the caller has committed.</summary>
    public void Committed() => signal.Wake();
}

/// <summary>Lets a new event start its delivery at once instead of at the sender's next poll.</summary>
public sealed class OutboxSignal
{
    readonly SemaphoreSlim wake = new(0, 1);

    public void Wake()
    {
        if (wake.CurrentCount == 0)
            try { wake.Release(); } catch (SemaphoreFullException) { }
    }

    public Task WaitAsync(TimeSpan timeout, CancellationToken ct) => wake.WaitAsync(timeout, ct);
}

public static class DeliveryStatus
{
    public const string Pending = "pending", Delivered = "delivered", Failed = "failed";
}
