using System.Text.Json.Nodes;

namespace Arkyn.Features.Webhooks;

/// <summary>A webhook as every route shows it; the secret only in the answer to its creation.</summary>
public sealed record WebhookResponse(
    string Id, string Name, string Url, string Format, JsonObject Rule, bool Enabled, string TrafficSourceId,
    int ConsecutiveFailures, string? DisabledReason, string? LastDeliveryAt, string CreatedAt, string UpdatedAt)
{
    public static WebhookResponse From(WebhookRow w, Timestamps time) => new(
        w.Id, w.Name, w.Url, w.Format, Webhooks.Rule.FromStored(w.Rule).ToJson(), w.Enabled, w.TrafficSourceId,
        w.ConsecutiveFailures, w.DisabledReason, w.LastDeliveryAt is { } at ? time.Format(at) : null,
        time.Format(w.CreatedAt), time.Format(w.UpdatedAt));
}

public static class Formats
{
    public const string Json = "json", Discord = "discord", Slack = "slack";
    public static readonly string[] All = [Json, Discord, Slack];

    public static bool IsFormat(string? value) => value is not null && All.Contains(value.Trim().ToLowerInvariant());
}
