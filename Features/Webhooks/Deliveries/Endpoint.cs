namespace Arkyn.Features.Webhooks.Deliveries;

public sealed class Endpoint(Db db, Timestamps time) : Endpoint<Request, PageOf<Response>>
{
    public override void Configure()
    {
        Get("/webhooks/{webhookId}/deliveries");
        Description(b => b.OperationId("listWebhookDeliveries").Problems(400, 401, 403, 404));
        Summary(s => s.Summary = "The delivery log of a webhook, newest first: each event's status (pending, delivered, failed), attempts and last answer.");
    }

    public override async Task HandleAsync(Request r, CancellationToken ct)
    {
        var webhookId = await db.RequireOwnedWebhookAsync(r.WebhookId, User.UserId(), ct);
        var page = await db.WebhookDeliveries.Where(d => d.WebhookId == webhookId)
            .OrderByDescending(d => d.CreatedAt).ThenByDescending(d => d.Id)
            .ToPageAsync(r, d => new Response(d.Id, d.EventId, d.Type, d.Status, d.Attempts, d.LastStatusCode, d.LastError,
                time.Format(d.CreatedAt), d.DeliveredAt is { } at ? time.Format(at) : null), ct);
        await Send.OkAsync(page, ct);
    }
}
