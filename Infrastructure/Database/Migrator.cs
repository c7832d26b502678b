using System.Data;
using System.Text.RegularExpressions;
using LinqToDB.Data;

namespace Arkyn.Infrastructure.Database;

/// <summary>
/// Applies the numbered SQL files under Migrations/ (embedded) that the version table does not list yet.
/// All of it runs in one transaction holding a cross-instance lock (BEGIN IMMEDIATE on SQLite, an advisory
/// lock on PostgreSQL), so running twice, or from two instances at once, applies each migration once.
/// </summary>
public sealed partial class Migrator(DataOptions options, ILogger<Migrator> log)
{
    public sealed record Migration(int Version, string Name, string Sql);

    public static IReadOnlyList<Migration> All { get; } = Load();

    /// <summary>Data changes that SQL alone cannot make the same way on both engines, run right after that version's SQL.</summary>
    static readonly Dictionary<int, Func<DataConnection, CancellationToken, Task>> CodeSteps = new()
    {
        [4] = FillPathnameTemplatesAsync,
        [6] = FillPathnameTemplatesAsync,
    };

    /// <summary>Computes the templates that are empty: every one after version 4 added the column, the cleared ones after 6.</summary>
    static async Task FillPathnameTemplatesAsync(DataConnection db, CancellationToken ct)
    {
        var pathnames = await db.GetTable<PathnameRow>().Where(p => p.Template == "").Select(p => new { p.Id, p.Value }).ToListAsync(ct);
        foreach (var p in pathnames)
            await db.GetTable<PathnameRow>().Where(x => x.Id == p.Id).Set(x => x.Template, Traffic.PathTemplate(p.Value)).UpdateAsync(ct);
    }

    /// <param name="upTo">Stop after this version (tests use it to build a database as an older release left it).</param>
    public async Task MigrateAsync(CancellationToken ct = default, int? upTo = null)
    {
        if (options.ConnectionOptions.ConnectionString is { } cs && IsPostgres(options)) await CreatePostgresDatabaseAsync(cs, ct);
        await using var db = new DataConnection(options);
        var isPostgres = db.DataProvider.Name.StartsWith("PostgreSQL", StringComparison.Ordinal);
        try
        {
            if (!isPostgres) await EnableIncrementalVacuumAsync(db, ct);
            if (!isPostgres) await db.ExecuteAsync("PRAGMA journal_mode=WAL", ct);
            // Read committed on PostgreSQL so that, once the lock is ours, we see what the previous holder committed.
            await using var tx = await db.BeginTransactionAsync(isPostgres ? IsolationLevel.ReadCommitted : IsolationLevel.Serializable, ct);
            await db.SerializeAsync(Locks.Migrations, ct);
            await db.ExecuteAsync("""
                CREATE TABLE IF NOT EXISTS schema_version (
                    version    INTEGER PRIMARY KEY,
                    name       TEXT NOT NULL,
                    applied_at BIGINT NOT NULL
                )
                """, ct);
            var applied = (await db.QueryToListAsync<int>("SELECT version FROM schema_version", ct)).ToHashSet();
            foreach (var migration in All.Where(m => !applied.Contains(m.Version) && m.Version <= (upTo ?? int.MaxValue)))
            {
                try
                {
                    await db.ExecuteAsync(migration.Sql, ct);
                    if (CodeSteps.TryGetValue(migration.Version, out var step)) await step(db, ct);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    throw new StartupException($"migration {migration.Version:0000}_{migration.Name} failed: {e.Message}", e);
                }
                await db.ExecuteAsync("INSERT INTO schema_version (version, name, applied_at) VALUES (@version, @name, @at)", ct,
                    new DataParameter("version", migration.Version),
                    new DataParameter("name", migration.Name),
                    new DataParameter("at", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
                log.LogInformation("Applied migration {Version:0000}_{Name}", migration.Version, migration.Name);
            }
            await tx.CommitAsync(ct);
        }
        catch (StartupException)
        {
            throw;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new StartupException($"cannot reach or prepare the database: {e.Message}", e);
        }
    }

    static bool IsPostgres(DataOptions options) =>
        (options.ConnectionOptions.DataProvider?.Name ?? options.ConnectionOptions.ProviderName)?.StartsWith("PostgreSQL", StringComparison.Ordinal) == true;

    async Task CreatePostgresDatabaseAsync(string connectionString, CancellationToken ct)
    {
        try
        {
            await PostgresDatabaseCreation.EnsureExistsAsync(connectionString, log, ct);
        }
        catch (Exception e) when (e is not (StartupException or OperationCanceledException))
        {
            throw new StartupException($"cannot reach or prepare the database: {e.Message}", e);
        }
    }

    /// <summary>
    /// SQLite keeps the pages that deletes free inside the file unless auto-vacuum is on; with it INCREMENTAL, the
    /// retention sweep gives them back (PRAGMA incremental_vacuum) so the file shrinks. The mode can only change on a
    /// file without tables, or through a VACUUM that rewrites the whole file once (outside any transaction): files of
    /// releases before 0009 pay that once, at this start.
    /// </summary>
    async Task EnableIncrementalVacuumAsync(DataConnection db, CancellationToken ct)
    {
        const int incremental = 2;
        if (await db.ExecuteAsync<int>("PRAGMA auto_vacuum", ct) == incremental) return;
        await db.ExecuteAsync("PRAGMA auto_vacuum=INCREMENTAL", ct);
        if (await db.ExecuteAsync<int>("SELECT COUNT(*) FROM sqlite_master", ct) == 0) return;
        log.LogInformation("Turning on incremental auto-vacuum: rewriting the SQLite file once (VACUUM)");
        await db.ExecuteAsync("VACUUM", ct);
    }

    static IReadOnlyList<Migration> Load()
    {
        var assembly = typeof(Migrator).Assembly;
        return assembly.GetManifestResourceNames()
            .Select(name => (name, match: FileName().Match(name)))
            .Where(x => x.match.Success)
            .Select(x =>
            {
                using var reader = new StreamReader(assembly.GetManifestResourceStream(x.name)!);
                return new Migration(int.Parse(x.match.Groups[1].Value), x.match.Groups[2].Value, reader.ReadToEnd());
            })
            .OrderBy(m => m.Version)
            .ToList();
    }

    [GeneratedRegex(@"Migrations\.(\d{4})_(\w+)\.sql$")]
    private static partial Regex FileName();
}
