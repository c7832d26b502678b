namespace Arkyn.Features.Webhooks.Deliveries;

/// <summary>One event's delivery: status pending, delivered or failed.</summary>
public sealed record Response(
    string Id, string EventId, string Type, string Status, int Attempts, int? LastStatusCode, string? LastError,
    string CreatedAt, string? DeliveredAt);
