using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Arkyn.Infrastructure;

/// <summary>
/// Two lines once the server listens, at Warning so that they show at any log level: where it answers, where its
/// Swagger UI and dashboard are, and which database it uses (never the password).
/// </summary>
public static class StartupBanner
{
    public static void LogWhenStarted(WebApplication app, DatabaseSettings database)
    {
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses;
            if (addresses is not { Count: > 0 }) return; // in-memory test server: nobody to tell
            var first = addresses.First().TrimEnd('/');
            var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Arkyn");
            log.LogWarning("Arkyn is listening on {Addresses}: dashboard {Dashboard}/, Swagger UI {Swagger}/swagger",
                string.Join(", ", addresses), first, first);
            log.LogWarning("Database: {Location}", Location(database));
        });
    }

    public static string Location(DatabaseSettings database)
    {
        if (database.Provider == DatabaseProvider.Sqlite)
        {
            var dataSource = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(database.ConnectionString).DataSource;
            return $"SQLite, file {Path.GetFullPath(dataSource)}";
        }
        var pg = new Npgsql.NpgsqlConnectionStringBuilder(database.ConnectionString);
        return $"PostgreSQL, database {pg.Database ?? pg.Username} on {pg.Host}:{pg.Port} as {pg.Username}";
    }
}
