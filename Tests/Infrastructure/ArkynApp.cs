using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Npgsql;

namespace Arkyn.Tests.Infrastructure;

public enum Engine { Sqlite, Postgres }

/// <summary>
/// One Arkyn server in memory on a database of its own: a fresh SQLite file, or a fresh PostgreSQL database
/// created on the server named by ARKYN_TEST_POSTGRES (an admin connection string).
/// </summary>
public class ArkynApp(Engine engine, IReadOnlyDictionary<string, string?>? settings = null) : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const string PostgresVariable = "ARKYN_TEST_POSTGRES";

    public Engine Engine { get; } = engine;
    public string? SkipReason { get; private set; }
    public string ConnectionString { get; private set; } = "";
    string? postgresDatabase;
    string? sqliteFolder;

    static string? PostgresAdmin => Environment.GetEnvironmentVariable(PostgresVariable) is { Length: > 0 } cs ? cs : null;
    static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public async ValueTask InitializeAsync()
    {
        if (Engine == Engine.Sqlite)
        {
            sqliteFolder = Directory.CreateTempSubdirectory("arkyn-test-").FullName;
            ConnectionString = $"Data Source={Path.Combine(sqliteFolder, "arkyn.db")}";
            return;
        }
        if (PostgresAdmin is null)
        {
            if (InCi) throw new InvalidOperationException($"{PostgresVariable} is not set: in CI the PostgreSQL tests must run.");
            SkipReason = $"PostgreSQL tests need {PostgresVariable} (an admin connection string); .ci/run sets it.";
            return;
        }
        postgresDatabase = $"arkyn_test_{Guid.NewGuid():N}";
        await using (var admin = new NpgsqlConnection(PostgresAdmin))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {postgresDatabase}", admin);
            await create.ExecuteNonQueryAsync();
        }
        ConnectionString = new NpgsqlConnectionStringBuilder(PostgresAdmin) { Database = postgresDatabase }.ConnectionString;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Database:Provider", Engine == Engine.Sqlite ? "sqlite" : "postgres");
        builder.UseSetting("ConnectionStrings:Arkyn", ConnectionString);
        builder.UseSetting("Auth:AllowRegistration", "true");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        builder.UseSetting("Logging:LogLevel:Arkyn", "Error"); // the start-up banner, once per test server
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            builder.UseSetting(key, value);
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (postgresDatabase is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await using var admin = new NpgsqlConnection(PostgresAdmin);
            await admin.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {postgresDatabase} WITH (FORCE)", admin);
            await drop.ExecuteNonQueryAsync();
        }
        if (sqliteFolder is not null)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(sqliteFolder, recursive: true); } catch (IOException) { }
        }
        GC.SuppressFinalize(this);
    }
}

public sealed class SqliteApp() : ArkynApp(Engine.Sqlite);

public sealed class PostgresApp() : ArkynApp(Engine.Postgres);
