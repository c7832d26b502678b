using System.Text.Json.Nodes;

namespace Arkyn.Features.Webhooks.Create;

/// <summary>The webhook with its signing secret: the only answer that shows it.</summary>
public sealed record Response(
    string Id, string Name, string Url, string Format, JsonObject Rule, bool Enabled, string TrafficSourceId,
    int ConsecutiveFailures, string? DisabledReason, string? LastDeliveryAt, string CreatedAt, string UpdatedAt, string Secret)
{
    public static Response From(WebhookResponse w, string secret) => new(
        w.Id, w.Name, w.Url, w.Format, w.Rule, w.Enabled, w.TrafficSourceId, w.ConsecutiveFailures, w.DisabledReason,
        w.LastDeliveryAt, w.CreatedAt, w.UpdatedAt, secret);
}
