namespace Arkyn.Features.Webhooks.Delete;

public sealed class Request : IWebhookIdRequest
{
    public string WebhookId { get; set; } = "";
}
