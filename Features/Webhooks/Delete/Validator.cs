namespace Arkyn.Features.Webhooks.Delete;

public sealed class Validator : Validator<Request>
{
    public Validator() => Include(new WebhookIdRules());
}
