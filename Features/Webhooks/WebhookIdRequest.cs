namespace Arkyn.Features.Webhooks;

/// <summary>The routes that name one webhook: /webhooks/:webhookId…</summary>
public interface IWebhookIdRequest
{
    string WebhookId { get; }
}

public sealed class WebhookIdRules : AbstractValidator<IWebhookIdRequest>
{
    public WebhookIdRules() => RuleFor(r => r.WebhookId).Must(Ids.IsUuid).WithMessage("webhookId must be a UUID.");
}

public static class WebhookAccess
{
    /// <summary>404 when no webhook has the id, 403 when it is another user's: the ownership rules of every route.</summary>
    public static async Task<string> RequireOwnedWebhookAsync(this Infrastructure.Database.Db db, string webhookIdText, string callerId, CancellationToken ct)
    {
        var webhookId = Ids.Normalize(webhookIdText);
        await db.RequireOwnerAsync(db.Webhooks.Where(w => w.Id == webhookId).Select(w => w.TrafficSourceId), callerId, "webhookId", "webhook", ct);
        return webhookId;
    }
}
