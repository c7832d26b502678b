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
}

[Table("app_settings")]
public sealed class AppSettingRow
{
    [Column("key"), PrimaryKey] public required string Key { get; set; }
    [Column("value"), NotNull] public required string Value { get; set; }
}
