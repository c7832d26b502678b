using System.Text.Json.Nodes;

namespace Arkyn.Features.Webhooks.Test;

public sealed class Endpoint(Db db, Outbox outbox) : Endpoint<Request, Response>
{
    public override void Configure()
    {
        Post("/webhooks/{webhookId}/test");
        Options(b => b.WithMetadata(NoBody.Instance));
        Description(b => b.Produces<Response>(202).Problems(400, 401, 403, 404));
        Summary(s => s.Summary = "Queue a webhook.test event for this webhook (sent even while the webhook is disabled); see GET /webhooks/:webhookId/deliveries.");
    }

    public override async Task HandleAsync(Request r, CancellationToken ct)
    {
        var webhookId = await db.RequireOwnedWebhookAsync(r.WebhookId, User.UserId(), ct);
        string eventId;
        await using (var tx = await db.BeginTransactionAsync(ct))
        {
            var found = await (from w in db.Webhooks
                               join s in db.TrafficSources on w.TrafficSourceId equals s.Id
                               where w.Id == webhookId
                               select new { Webhook = w, SourceName = s.Name }).FirstAsync(ct);
            eventId = await outbox.AddAsync(db, found.Webhook, found.SourceName, Outbox.Test,
                new JsonObject { ["message"] = "A test event from Arkyn: this webhook is reachable and its signature can be verified." }, ct);
            await tx.CommitAsync(ct);
        }
        outbox.Committed();
        await Send.ResponseAsync(new Response(eventId), 202, ct);
    }
}
