using LinqToDB;
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
        return services;
    }

    public static DataOptions Options(DatabaseSettings settings) => settings.Provider switch
    {
        DatabaseProvider.Sqlite => new DataOptions().UseSQLite(SqliteConnectionString(settings.ConnectionString), SQLiteProvider.Microsoft),
        _ => new DataOptions().UsePostgreSQL(settings.ConnectionString, PostgreSQLVersion.v15),
    };

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
