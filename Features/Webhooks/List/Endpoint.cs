namespace Arkyn.Features.Webhooks.List;

public sealed class Endpoint(Db db, Timestamps time) : Endpoint<Request, PageOf<WebhookResponse>>
{
    public override void Configure()
    {
        Get("/webhooks/{trafficSourceId}");
        Description(b => b.Problems(400, 401, 403, 404));
        Summary(s => s.Summary = "The webhooks of a traffic source (never their secrets), newest first.");
    }

    public override async Task HandleAsync(Request r, CancellationToken ct)
    {
        var sourceId = Ids.Normalize(r.TrafficSourceId);
        await db.RequireOwnedSourceAsync(sourceId, User.UserId(), ct);
        var page = await db.Webhooks.Where(w => w.TrafficSourceId == sourceId)
            .OrderByDescending(w => w.CreatedAt).ThenByDescending(w => w.Id)
            .ToPageAsync(r, w => WebhookResponse.From(w, time), ct);
        await Send.OkAsync(page, ct);
    }
}
