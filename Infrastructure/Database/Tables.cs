using LinqToDB.Mapping;

namespace Arkyn.Infrastructure.Database;

[Table("users")]
public sealed class UserRow
{
    [Column("id"), PrimaryKey] public required string Id { get; set; }
    [Column("name"), NotNull] public required string Name { get; set; }
    [Column("email"), NotNull] public required string Email { get; set; }
    /// <summary>Upper-cased email, unique: emails are unique case-insensitively on both engines alike.</summary>
    [Column("email_key"), NotNull] public required string EmailKey { get; set; }
    [Column("password_hash"), NotNull] public required string PasswordHash { get; set; }
    [Column("utc"), NotNull] public double Utc { get; set; }
    [Column("created_at"), NotNull] public long CreatedAt { get; set; }
    [Column("updated_at"), NotNull] public long UpdatedAt { get; set; }
    /// <summary>Raised when the password changes: tokens issued with a lower value stop working.</summary>
    [Column("token_version"), NotNull] public int TokenVersion { get; set; }
}

[Table("app_settings")]
public sealed class AppSettingRow
{
    [Column("key"), PrimaryKey] public required string Key { get; set; }
    [Column("value"), NotNull] public required string Value { get; set; }
}

[Table("traffic_sources")]
public sealed class TrafficSourceRow
{
    [Column("id"), PrimaryKey] public required string Id { get; set; }
    [Column("user_id"), NotNull] public required string UserId { get; set; }
    [Column("name"), NotNull] public required string Name { get; set; }
    [Column("traffic_domain"), NotNull] public required string TrafficDomain { get; set; }
    [Column("created_at"), NotNull] public long CreatedAt { get; set; }
    [Column("updated_at"), NotNull] public long UpdatedAt { get; set; }
    /// <summary>Days of traffic kept; null for the server default (Retention:Days).</summary>
    [Column("retention_days")] public int? RetentionDays { get; set; }
}

/// <summary>A person the owner lets read a traffic source.</summary>
[Table("traffic_source_members")]
public sealed class MemberRow
{
    public const string ReadOnly = "READ_ONLY";

    [Column("traffic_source_id"), PrimaryKey(0)] public required string TrafficSourceId { get; set; }
    [Column("user_id"), PrimaryKey(1)] public required string UserId { get; set; }
    [Column("role"), NotNull] public required string Role { get; set; }
    [Column("created_at"), NotNull] public long CreatedAt { get; set; }
}

[Table("domains")]
public sealed class DomainRow
{
    [Column("id"), PrimaryKey] public required string Id { get; set; }
    [Column("traffic_source_id"), NotNull] public required string TrafficSourceId { get; set; }
    [Column("value"), NotNull] public required string Value { get; set; }
    [Column("protocol"), NotNull] public required string Protocol { get; set; }
    [Column("created_at"), NotNull] public long CreatedAt { get; set; }
}

[Table("pathnames")]
public sealed class PathnameRow
{
    [Column("id"), PrimaryKey] public required string Id { get; set; }
    [Column("traffic_source_id"), NotNull] public required string TrafficSourceId { get; set; }
    [Column("domain_id"), NotNull] public required string DomainId { get; set; }
    [Column("value"), NotNull] public required string Value { get; set; }
    /// <summary>The value with id-like segments replaced by {id}: /users/42 → /users/{id}.</summary>
    [Column("template"), NotNull] public string Template { get; set; } = "";
    [Column("created_at"), NotNull] public long CreatedAt { get; set; }
}

[Table("requests")]
public sealed class RequestRow
{
    [Column("id"), PrimaryKey] public required string Id { get; set; }
    [Column("user_id"), NotNull] public required string UserId { get; set; }
    /// <summary>JSON object text, sensitive values already redacted.</summary>
    [Column("headers"), NotNull] public required string Headers { get; set; }
    /// <summary>JSON text of the body; null when the body was null or absent.</summary>
    [Column("body")] public string? Body { get; set; }
    [Column("body_truncated"), NotNull] public bool BodyTruncated { get; set; }
    [Column("query_params"), NotNull] public required string QueryParams { get; set; }
    [Column("ingest_key_id")] public string? IngestKeyId { get; set; }
    [Column("created_at"), NotNull] public long CreatedAt { get; set; }
}

[Table("responses")]
public sealed class ResponseRow
{
    [Column("id"), PrimaryKey] public required string Id { get; set; }
    [Column("user_id"), NotNull] public required string UserId { get; set; }
    [Column("headers"), NotNull] public required string Headers { get; set; }
    [Column("body")] public string? Body { get; set; }
    [Column("body_truncated"), NotNull] public bool BodyTruncated { get; set; }
    [Column("ingest_key_id")] public string? IngestKeyId { get; set; }
    [Column("created_at"), NotNull] public long CreatedAt { get; set; }
}

[Table("http_traffic")]
public sealed class HttpTrafficRow
{
    [Column("id"), PrimaryKey] public required string Id { get; set; }
    [Column("traffic_source_id"), NotNull] public required string TrafficSourceId { get; set; }
    [Column("domain_id"), NotNull] public required string DomainId { get; set; }
    [Column("pathname_id"), NotNull] public required string PathnameId { get; set; }
    [Column("request_id"), NotNull] public required string RequestId { get; set; }
    [Column("response_id"), NotNull] public required string ResponseId { get; set; }
    [Column("status"), NotNull] public int Status { get; set; }
    [Column("method"), NotNull] public required string Method { get; set; }
    [Column("level"), NotNull] public required string Level { get; set; }
    [Column("elapsed_time"), NotNull] public double ElapsedTime { get; set; }
    [Column("traffic_user_id")] public string? TrafficUserId { get; set; }
    [Column("created_at"), NotNull] public long CreatedAt { get; set; }
}

[Table("ingest_keys")]
public sealed class IngestKeyRow
{
    [Column("id"), PrimaryKey] public required string Id { get; set; }
    [Column("traffic_source_id"), NotNull] public required string TrafficSourceId { get; set; }
    [Column("name"), NotNull] public required string Name { get; set; }
    /// <summary>The first characters of the key, shown in lists so people can tell keys apart.</summary>
    [Column("prefix"), NotNull] public required string Prefix { get; set; }
    [Column("key_hash"), NotNull] public required string KeyHash { get; set; }
    [Column("created_at"), NotNull] public long CreatedAt { get; set; }
    [Column("last_used_at")] public long? LastUsedAt { get; set; }
}
