using System.Data;
using System.Data.Common;
using System.Text;
using LinqToDB.Data;
using LinqToDB.Mapping;

namespace Arkyn.Infrastructure.Database;

/// <summary>
/// The lookups made on (nearly) every request, as fixed SQL. linq2db 6 treats a statement that compares a column with
/// a parameter of a type that can be null (every string: all our ids) as depending on the parameter's value, and then
/// optimizes it and builds its SQL text again on every execution, compiled queries included. That is most of what a
/// LINQ lookup by id costs here; the numbers are in docs/internals.md ("Why linq2db builds the SQL again").
/// </summary>
public static class HotQueries
{
    /// <summary>The user's token version (raised by a password change), or null when there is no such user.</summary>
    public static Task<int?> UserTokenVersionAsync(this Db db, string userId, CancellationToken ct) =>
        db.ExecuteAsync<int?>("SELECT token_version FROM users WHERE id = @id", ct, Text("id", userId));

    /// <summary>A user by id, or null when there is no such user.</summary>
    public static async Task<UserRow?> UserAsync(this Db db, string userId, CancellationToken ct) =>
        (await db.QueryToListAsync<UserRow>(
            "SELECT id, name, email, email_key, password_hash, utc, created_at, updated_at, token_version FROM users WHERE id = @id",
            ct, Text("id", userId))).FirstOrDefault();

    /// <summary>The owner of a traffic source, or null when there is no such source.</summary>
    public static Task<string?> SourceOwnerAsync(this Db db, string sourceId, CancellationToken ct) =>
        db.ExecuteAsync<string?>("SELECT user_id FROM traffic_sources WHERE id = @id", ct, Text("id", sourceId));

    public sealed class SourceAccess
    {
        [Column("user_id")] public string OwnerId { get; set; } = "";
        /// <summary>The caller's member role, or null when the caller is not a member.</summary>
        [Column("role")] public string? Role { get; set; }
    }

    /// <summary>The owner of a traffic source and the caller's membership of it, in one lookup; null when there is no such source.</summary>
    public static async Task<SourceAccess?> SourceAccessAsync(this Db db, string sourceId, string callerId, CancellationToken ct) =>
        (await db.QueryToListAsync<SourceAccess>(
            "SELECT s.user_id, m.role FROM traffic_sources s LEFT JOIN traffic_source_members m ON m.traffic_source_id = s.id AND m.user_id = @caller WHERE s.id = @id",
            ct, Text("id", sourceId), Text("caller", callerId))).FirstOrDefault();

    public sealed class KeyOwner
    {
        [Column("id")] public string Id { get; set; } = "";
        [Column("traffic_source_id")] public string TrafficSourceId { get; set; } = "";
        [Column("user_id")] public string UserId { get; set; } = "";
    }

    /// <summary>Every call made with an ingest key runs this (a revoked key must fail on its next call): plain ADO.NET.</summary>
    public static async Task<KeyOwner?> IngestKeyByHashAsync(this Db db, string hash, CancellationToken ct)
    {
        await using var command = await db.CommandAsync(
            "SELECT k.id, k.traffic_source_id, s.user_id FROM ingest_keys k JOIN traffic_sources s ON s.id = k.traffic_source_id WHERE k.key_hash = @hash", ct);
        command.Parameter("@hash", DbType.String, hash);
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return null;
        return new KeyOwner { Id = reader.GetString(0), TrafficSourceId = reader.GetString(1), UserId = reader.GetString(2) };
    }

    public static DataParameter Text(string name, string? value) => new(name, value, DataType.Text);

    /// <summary>
    /// A plain ADO.NET command on <paramref name="db"/>'s own connection and transaction. For the writes of the hot
    /// path: linq2db spends about 0.4 ms of CPU building SQL text per LINQ insert, more than SQLite spends storing the row.
    /// </summary>
    public static async Task<DbCommand> CommandAsync(this Db db, string sql, CancellationToken ct)
    {
        var command = (await db.OpenDbConnectionAsync(ct)).CreateCommand();
        command.Transaction = db.Transaction;
        command.CommandText = sql;
        return command;
    }

    public static DbParameter Parameter(this DbCommand command, string name, DbType type, object? value = null)
    {
        var parameter = command.CreateParameter();
        // With its prefix: Microsoft.Data.Sqlite otherwise tries each of @, $ and : in turn for every statement.
        parameter.ParameterName = name.StartsWith('@') ? name : "@" + name;
        parameter.DbType = type;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
        return parameter;
    }

    /// <summary>The traffic source of each of these traffic ids that is stored (fixed SQL, in chunks of at most 500 ids).</summary>
    public static async Task<Dictionary<string, string>> TrafficSourcesOfAsync(this Db db, IReadOnlyList<string> ids, CancellationToken ct)
    {
        var found = new Dictionary<string, string>();
        for (var at = 0; at < ids.Count; at += 500)
        {
            var count = Math.Min(500, ids.Count - at);
            var sql = new StringBuilder("SELECT id, traffic_source_id FROM http_traffic WHERE id IN (");
            for (var i = 0; i < count; i++) sql.Append(i == 0 ? "@p0" : $", @p{i}");
            await using var command = await db.CommandAsync(sql.Append(')').ToString(), ct);
            for (var i = 0; i < count; i++) command.Parameter($"@p{i}", DbType.String, ids[at + i]);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) found[reader.GetString(0)] = reader.GetString(1);
        }
        return found;
    }
}
