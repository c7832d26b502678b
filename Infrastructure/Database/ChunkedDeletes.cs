using System.Diagnostics;
using System.Linq.Expressions;
using LinqToDB.Data;

namespace Arkyn.Infrastructure.Database;

/// <summary>
/// Large deletes (retention, a deleted account) as a series of short transactions, so ingestion never waits long on
/// them. On SQLite each chunk runs through the group-commit writer, between groups of ingested writes, instead of
/// competing with it for the one write lock, and gives the pages it freed back to the file (incremental auto-vacuum).
/// On PostgreSQL each chunk is a transaction of its own beside the writer.
/// </summary>
public sealed class ChunkedDeletes(DatabaseSettings settings, DataOptions options, GroupCommit writer)
{
    /// <summary>SQLite has one writer: chunks go through it, smaller and paced.</summary>
    readonly bool onWriter = settings.Provider == DatabaseProvider.Sqlite;

    /// <summary>At most this many traffic rows (with their requests and responses) per transaction.</summary>
    public const int MaxChunkSize = 5_000;

    /// <summary>
    /// On SQLite a chunk holds the one writer, so ingestion waits for it. Smaller chunks, each followed by a pause as
    /// long as it took, leave the writer to ingestion at least half of the time.
    /// </summary>
    int ChunkSize => onWriter ? 1_000 : MaxChunkSize;

    /// <summary>Deletes every selected traffic row, oldest first, with its request and response; returns how many.</summary>
    public async Task<long> DeleteTrafficAsync(Expression<Func<HttpTrafficRow, bool>> which, CancellationToken ct)
    {
        long total = 0;
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            var started = Stopwatch.GetTimestamp();
            var deleted = await RunAsync((db, token) => db.DeleteOldestTrafficAsync(which, ChunkSize, token), ct);
            total += deleted;
            if (deleted < ChunkSize) return total;
            if (onWriter) await Task.Delay(Stopwatch.GetElapsedTime(started), ct);
        }
    }

    /// <summary>Runs one bounded delete in a transaction of its own (on SQLite, the writer's), then reclaims freed space.</summary>
    public async Task<T> RunAsync<T>(Func<Db, CancellationToken, Task<T>> delete, CancellationToken ct)
    {
        if (onWriter)
            return await writer.RunAsync(async (db, token) =>
            {
                var result = await delete(db, token);
                // Moves free pages to the end of the file and truncates it (auto_vacuum=INCREMENTAL, set by the migrator).
                await db.ExecuteAsync("PRAGMA incremental_vacuum", token);
                return result;
            });
        await using var own = new Db(options);
        await using var tx = await own.BeginTransactionAsync(ct);
        var done = await delete(own, ct);
        await tx.CommitAsync(ct);
        return done;
    }
}
