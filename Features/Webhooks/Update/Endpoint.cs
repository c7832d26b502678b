namespace Arkyn.Features.Webhooks.Update;

public sealed class Endpoint(Db db, Timestamps time, AlertSettings alerts) : Endpoint<Request, WebhookResponse>
{
    public override void Configure()
    {
        Put("/webhooks/{webhookId}");
        Description(b => b.Problems(400, 401, 403, 404));
        Summary(s => s.Summary = "Change a webhook's name, url, format, rule or enabled. Fields left out or null keep their value; enabled: true clears an automatic disable.");
    }

    public override async Task HandleAsync(Request r, CancellationToken ct)
    {
        var webhookId = await db.RequireOwnedWebhookAsync(r.WebhookId, User.UserId(), ct);
        if (r.Url is not null && await Targets.RefusalAsync(r.Url, alerts.AllowPrivateTargets, ct) is { } refusal) ThrowError(x => x.Url!, refusal);

        var now = time.Now();
        await using (var tx = await db.BeginTransactionAsync(ct))
        {
            var before = await db.Webhooks.FirstAsync(w => w.Id == webhookId, ct);
            var update = db.Webhooks.Where(w => w.Id == webhookId).Set(w => w.UpdatedAt, now);
            if (r.Name is not null) update = update.Set(w => w.Name, r.Name.Trim());
            if (r.Url is not null) update = update.Set(w => w.Url, r.Url);
            if (r.Format is not null) update = update.Set(w => w.Format, r.Format.Trim().ToLowerInvariant());
            if (r.Rule is not null) update = update.Set(w => w.Rule, Webhooks.Rule.From(r.Rule).ToStored());
            if (r.Enabled is { } enabled)
            {
                update = update.Set(w => w.Enabled, enabled);
                if (enabled) update = update.Set(w => w.ConsecutiveFailures, 0).Set(w => w.DisabledReason, (string?)null);
            }
            await update.UpdateAsync(ct);
            // A new rule, or a webhook switched back on, starts from now: no alerts about what happened before.
            if (r.Rule is not null || (r.Enabled == true && !before.Enabled))
                await db.WebhookStates.Where(s => s.WebhookId == webhookId)
                    .Set(s => s.CursorCreatedAt, now).Set(s => s.CursorId, "").Set(s => s.Firing, false)
                    .Set(s => s.LastEventAt, (long?)null).Set(s => s.NextCheckAt, now).Set(s => s.Version, s => s.Version + 1)
                    .UpdateAsync(ct);
            await tx.CommitAsync(ct);
        }
        var webhook = await db.Webhooks.FirstAsync(w => w.Id == webhookId, ct);
        await Send.OkAsync(WebhookResponse.From(webhook, time), ct);
    }
}
