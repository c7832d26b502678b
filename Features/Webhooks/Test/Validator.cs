namespace Arkyn.Features.Webhooks.Test;

public sealed class Validator : Validator<Request>
{
    public Validator() => Include(new WebhookIdRules());
}
