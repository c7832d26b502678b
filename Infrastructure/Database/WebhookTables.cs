using LinqToDB.Mapping;

namespace Arkyn.Infrastructure.Database;

[Table("webhooks")]
public sealed class WebhookRow
{
    [Column("id"), PrimaryKey] public required string Id { get; set; }
    [Column("traffic_source_id"), NotNull] public required string TrafficSourceId { get; set; }
    [Column("name"), NotNull] public required string Name { get; set; }
    [Column("url"), NotNull] public required string Url { get; set; }
    /// <summary>json, discord or slack.</summary>
    [Column("format"), NotNull] public required string Format { get; set; }
    /// <summary>The rule as normalised JSON.</summary>
    [Column("rule"), NotNull] public required string Rule { get; set; }
    /// <summary>whsec_ + base64 of the key; signs every delivery.</summary>
    [Column("secret"), NotNull] public required string Secret { get; set; }
    [Column("enabled"), NotNull] public bool Enabled { get; set; }
    [Column("consecutive_failures"), NotNull] public int ConsecutiveFailures { get; set; }
    [Column("disabled_reason")] public string? DisabledReason { get; set; }
    [Column("last_delivery_at")] public long? LastDeliveryAt { get; set; }
    [Column("created_at"), NotNull] public long CreatedAt { get; set; }
    [Column("updated_at"), NotNull] public long UpdatedAt { get; set; }
}

[Table("webhook_states")]
public sealed class WebhookStateRow
{
    [Column("webhook_id"), PrimaryKey] public required string WebhookId { get; set; }
    /// <summary>A level rule has read the traffic up to and including this (created_at, id).</summary>
    [Column("cursor_created_at"), NotNull] public long CursorCreatedAt { get; set; }
    [Column("cursor_id"), NotNull] public required string CursorId { get; set; }
    [Column("last_event_at")] public long? LastEventAt { get; set; }
    [Column("firing"), NotNull] public bool Firing { get; set; }
    [Column("next_check_at"), NotNull] public long NextCheckAt { get; set; }
    [Column("version"), NotNull] public long Version { get; set; }
}

[Table("webhook_events")]
public sealed class WebhookEventRow
{
    [Column("id"), PrimaryKey] public required string Id { get; set; }
    [Column("webhook_id"), NotNull] public required string WebhookId { get; set; }
    [Column("type"), NotNull] public required string Type { get; set; }
    /// <summary>The event body in the generic (json) format; discord and slack shapes are made from it when sent.</summary>
    [Column("payload"), NotNull] public required string Payload { get; set; }
    [Column("created_at"), NotNull] public long CreatedAt { get; set; }
}

[Table("webhook_deliveries")]
public sealed class WebhookDeliveryRow
{
    [Column("id"), PrimaryKey] public required string Id { get; set; }
    [Column("event_id"), NotNull] public required string EventId { get; set; }
    [Column("webhook_id"), NotNull] public required string WebhookId { get; set; }
    [Column("type"), NotNull] public required string Type { get; set; }
    /// <summary>pending, delivered or failed.</summary>
    [Column("status"), NotNull] public required string Status { get; set; }
    [Column("attempts"), NotNull] public int Attempts { get; set; }
    [Column("next_attempt_at"), NotNull] public long NextAttemptAt { get; set; }
    [Column("lease_until")] public long? LeaseUntil { get; set; }
    [Column("lease_owner")] public string? LeaseOwner { get; set; }
    [Column("last_status_code")] public int? LastStatusCode { get; set; }
    [Column("last_error")] public string? LastError { get; set; }
    [Column("created_at"), NotNull] public long CreatedAt { get; set; }
    [Column("delivered_at")] public long? DeliveredAt { get; set; }
}
