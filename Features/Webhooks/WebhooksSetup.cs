using Arkyn.Features.Webhooks.Delivery;
using Arkyn.Features.Webhooks.Rules;

namespace Arkyn.Features.Webhooks;

public static class WebhooksSetup
{
    /// <summary>The Alerts:* settings, the outbox, the rule checker and the sender, with the HTTP client every delivery goes through.</summary>
    public static IServiceCollection AddWebhooks(this IServiceCollection services, IConfiguration config)
    {
        var settings = AlertSettings.From(config);
        services.AddSingleton(settings).AddSingleton<OutboxSignal>().AddSingleton<Outbox>();
        services.AddHttpClient(Sender.ClientName, c => c.Timeout = Sender.Timeout)
            .ConfigurePrimaryHttpMessageHandler(() => Targets.Handler(settings.AllowPrivateTargets));
        services.AddHostedService<Evaluator>().AddHostedService<Sender>();
        return services;
    }
}
