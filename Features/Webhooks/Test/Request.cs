namespace Arkyn.Features.Webhooks.Test;

public sealed class Request : IWebhookIdRequest
{
    public string WebhookId { get; set; } = "";
}
