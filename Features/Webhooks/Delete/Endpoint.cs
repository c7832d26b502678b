namespace Arkyn.Features.Webhooks.Delete;

public sealed class Endpoint(Db db) : Endpoint<Request>
{
    public override void Configure()
    {
        Delete("/webhooks/{webhookId}");
        Description(b => b.Produces(204).Problems(400, 401, 403, 404));
        Summary(s => s.Summary = "Delete a webhook; its pending deliveries are dropped.");
    }

    public override async Task HandleAsync(Request r, CancellationToken ct)
    {
        var webhookId = await db.RequireOwnedWebhookAsync(r.WebhookId, User.UserId(), ct);
        // The state, events and deliveries go with it (ON DELETE CASCADE).
        await db.Webhooks.Where(w => w.Id == webhookId).DeleteAsync(ct);
        await Send.NoContentAsync(ct);
    }
}
