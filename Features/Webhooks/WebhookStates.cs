namespace Arkyn.Features.Webhooks;

public static class WebhookStates
{
    /// <summary>A rule starts from now: it reads traffic stored from this moment on and is not firing.</summary>
    public static WebhookStateRow Fresh(string webhookId, long now) =>
        new() { WebhookId = webhookId, CursorCreatedAt = now, CursorId = "", NextCheckAt = now };
}
