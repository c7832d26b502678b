using LinqToDB.Data;

namespace Arkyn.Infrastructure.Database;

/// <summary>Cross-instance locks held until the current transaction ends.</summary>
public static class Locks
{
    public const long Migrations = 0x61726b796e; // "arkyn"
    public const long Registration = 0x61726b796e01;
    public const long RetentionSweep = 0x61726b796e02;

    /// <summary>
    /// On PostgreSQL an advisory lock; on SQLite nothing more is needed, since a write transaction there
    /// (BEGIN IMMEDIATE) already excludes every other writer.
    /// </summary>
    public static async Task SerializeAsync(this DataConnection db, long key, CancellationToken ct)
    {
        if (db.DataProvider.Name.StartsWith("PostgreSQL", StringComparison.Ordinal))
            await db.ExecuteAsync($"SELECT pg_advisory_xact_lock({key})", ct);
    }

    /// <summary>
    /// For work that one instance at a time should do, however long it takes (the retention sweep): on PostgreSQL a
    /// session advisory lock on a connection of its own, held until the result is disposed; null when another
    /// instance holds it. On SQLite always granted: one server owns the file, and its writes go through its writer.
    /// </summary>
    public static async Task<IAsyncDisposable?> TryHoldAsync(DataOptions options, long key, CancellationToken ct)
    {
        var db = new DataConnection(options);
        if (!db.DataProvider.Name.StartsWith("PostgreSQL", StringComparison.Ordinal))
        {
            await db.DisposeAsync();
            return new Held(null, key);
        }
        try
        {
            if (await db.ExecuteAsync<bool>($"SELECT pg_try_advisory_lock({key})", ct)) return new Held(db, key);
        }
        catch
        {
            await db.DisposeAsync();
            throw;
        }
        await db.DisposeAsync();
        return null;
    }

    sealed class Held(DataConnection? db, long key) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            if (db is null) return;
            try
            {
                await db.ExecuteAsync($"SELECT pg_advisory_unlock({key})");
            }
            finally
            {
                // Closing the session would release the lock anyway; the unlock returns the pooled connection clean.
                await db.DisposeAsync();
            }
        }
    }
}
