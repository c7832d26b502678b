using Npgsql;

namespace Arkyn.Infrastructure.Database;

/// <summary>
/// A fresh PostgreSQL install has the role but not the database: the server creates it when the role may, and
/// otherwise stops naming the exact command to run.
/// </summary>
public static class PostgresDatabaseCreation
{
    const string InvalidCatalogName = "3D000";
    const string InsufficientPrivilege = "42501";

    public static async Task EnsureExistsAsync(string connectionString, ILogger log, CancellationToken ct)
    {
        var target = new NpgsqlConnectionStringBuilder(connectionString);
        try
        {
            await using var probe = new NpgsqlConnection(connectionString);
            await probe.OpenAsync(ct);
            return;
        }
        catch (PostgresException e) when (e.SqlState == InvalidCatalogName)
        {
        }

        var database = target.Database ?? target.Username ?? "";
        var maintenance = new NpgsqlConnectionStringBuilder(connectionString) { Database = "postgres", Pooling = false };
        try
        {
            await using var admin = new NpgsqlConnection(maintenance.ConnectionString);
            await admin.OpenAsync(ct);
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database.Replace("\"", "\"\"")}\"", admin);
            await create.ExecuteNonQueryAsync(ct);
            log.LogWarning("Created the PostgreSQL database {Database} on {Host}", database, target.Host);
        }
        catch (PostgresException e) when (e.SqlState == InsufficientPrivilege)
        {
            throw new StartupException(
                $"the PostgreSQL database '{database}' does not exist and role '{target.Username}' may not create it; " +
                $"create it as an administrator: createdb -h {target.Host} -p {target.Port} -O {target.Username} {database}");
        }
    }
}
