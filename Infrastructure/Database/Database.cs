using LinqToDB.DataProvider.PostgreSQL;
using LinqToDB.DataProvider.SQLite;
using Microsoft.Data.Sqlite;

namespace Arkyn.Infrastructure.Database;

public static class DatabaseSetup
{
    /// <summary>One DataOptions for the process; one <see cref="Db"/> per request scope.</summary>
    public static IServiceCollection AddArkynDatabase(this IServiceCollection services, DatabaseSettings settings)
    {
        var options = Options(settings);
        services.AddSingleton(settings);
        services.AddSingleton(options);
        services.AddScoped(_ => new Db(options));
        services.AddSingleton<Migrator>();
        // The engine's own statements for the hot writes and the stats aggregation, chosen once here.
        if (settings.Provider == DatabaseProvider.Sqlite)
            services.AddSingleton<IHotWrites, Sqlite.SqliteHotWrites>().AddSingleton<IStatsWindowReader, Sqlite.SqliteStatsWindowReader>();
        else
            services.AddSingleton<IHotWrites, Postgres.PostgresHotWrites>().AddSingleton<IStatsWindowReader, Postgres.PostgresStatsWindowReader>();
        return services;
    }

    public static DataOptions Options(DatabaseSettings settings) => settings.Provider switch
    {
        DatabaseProvider.Sqlite => new DataOptions().UseSQLite(SqliteConnectionString(settings.ConnectionString), SQLiteProvider.Microsoft),
        _ => new DataOptions().UsePostgreSQL(PostgresConnectionString(settings.ConnectionString), PostgreSQLVersion.v15),
    };

    /// <summary>
    /// Two Npgsql settings, each unless configured.
    /// <list type="bullet">
    /// <item>Automatic preparation on: the same few statements run on every call (the user and key lookups, the
    /// ownership check, find-or-create of domains and pathnames), and a statement prepared on a pooled physical
    /// connection skips PostgreSQL's parse and plan from its sixth use on.</item>
    /// <item>No reset when a connection goes back to the pool. The reset is seven statements (RESET ALL,
    /// pg_advisory_unlock_all(), …) sent ahead of the next command, on every request; nothing here leaves session
    /// state behind (no SET, no LISTEN, no temporary table; the one session advisory lock is released before its
    /// connection is closed, and an open transaction is rolled back on close either way).</item>
    /// </list>
    /// </summary>
    static string PostgresConnectionString(string configured)
    {
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = configured };
        var keys = given.Keys.Cast<string>().Select(k => k.Replace(" ", "").ToLowerInvariant()).ToHashSet();
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(configured);
        if (!keys.Contains("maxautoprepare")) builder.MaxAutoPrepare = 32;
        if (!keys.Contains("noresetonclose")) builder.NoResetOnClose = true;
        return builder.ToString();
    }

    /// <summary>
    /// Foreign keys on for every connection. A busy database is waited for (up to the 30 s command timeout,
    /// Microsoft.Data.Sqlite retries while SQLite says busy) rather than failing concurrent writers.
    /// </summary>
    static string SqliteConnectionString(string configured)
    {
        var builder = new SqliteConnectionStringBuilder(configured) { ForeignKeys = true, Pooling = true };
        if (!string.IsNullOrEmpty(builder.DataSource) && builder.DataSource != ":memory:" && builder.Mode != SqliteOpenMode.Memory)
        {
            var directory = Path.GetDirectoryName(Path.GetFullPath(builder.DataSource));
            if (!string.IsNullOrEmpty(directory)) Directory.CreateDirectory(directory);
        }
        return builder.ToString();
    }
}
