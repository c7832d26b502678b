namespace Arkyn.Features.Webhooks.Deliveries;

public sealed class Validator : Validator<Request>
{
    public Validator()
    {
        Include(new WebhookIdRules());
        Include(new PagingRules());
    }
}
