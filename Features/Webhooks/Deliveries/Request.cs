namespace Arkyn.Features.Webhooks.Deliveries;

public sealed class Request : PagedRequest, IWebhookIdRequest
{
    public string WebhookId { get; set; } = "";
}
