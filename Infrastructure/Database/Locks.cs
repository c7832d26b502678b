using LinqToDB.Data;

namespace Arkyn.Infrastructure.Database;

/// <summary>Cross-instance locks held until the current transaction ends.</summary>
public static class Locks
{
    public const long Migrations = 0x61726b796e; // "arkyn"
    public const long Registration = 0x61726b796e01;

    /// <summary>
    /// On PostgreSQL an advisory lock; on SQLite nothing more is needed, since a write transaction there
    /// (BEGIN IMMEDIATE) already excludes every other writer.
    /// </summary>
    public static async Task SerializeAsync(this DataConnection db, long key, CancellationToken ct)
    {
        if (db.DataProvider.Name.StartsWith("PostgreSQL", StringComparison.Ordinal))
            await db.ExecuteAsync($"SELECT pg_advisory_xact_lock({key})", ct);
    }
}
