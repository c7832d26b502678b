using System.Diagnostics;
using Arkyn.Tests.Infrastructure;

namespace Arkyn.Tests.Platform;

/// <summary>Starts the real server process with bad configuration: it must stop with one clear line naming the cause.</summary>
public sealed class StartupTests
{
    static async Task<(int ExitCode, string StdErr)> StartAsync(params (string Key, string Value)[] environment)
    {
        var folder = Directory.CreateTempSubdirectory("arkyn-start-").FullName;
        var info = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "Arkyn.dll"), "--urls", "http://127.0.0.1:0"])
        {
            WorkingDirectory = folder,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        foreach (var (key, value) in environment) info.Environment[key] = value;
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        Directory.Delete(folder, recursive: true);
        return (process.ExitCode, (await stderr).Trim());
    }

    [Theory]
    [InlineData("Database__Provider", "oracle", "Database:Provider")]
    [InlineData("Auth__SigningKey", "too-short", "Auth:SigningKey")]
    [InlineData("Api__DateFormat", "rfc1123", "Api:DateFormat")]
    public async Task A_bad_setting_stops_start_up_naming_the_key(string variable, string value, string key)
    {
        var (exitCode, stderr) = await StartAsync((variable, value));

        Assert.NotEqual(0, exitCode);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(key, line);
    }

    [Fact]
    public async Task Postgres_without_a_connection_string_stops_start_up()
    {
        var (exitCode, stderr) = await StartAsync(("Database__Provider", "postgres"));

        Assert.NotEqual(0, exitCode);
        Assert.Contains("ConnectionStrings:Arkyn", Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
    }

    [Fact]
    public async Task An_unreachable_database_stops_start_up()
    {
        var (exitCode, stderr) = await StartAsync(("Database__Provider", "postgres"),
            ("ConnectionStrings__Arkyn", "Host=127.0.0.1;Port=1;Username=nobody;Timeout=3"));

        Assert.NotEqual(0, exitCode);
        Assert.Contains("database", Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
    }

    /// <summary>Starts the server and returns its output up to the line that says which database it uses.</summary>
    static async Task<string> BannerAsync(params (string Key, string Value)[] environment)
    {
        var folder = Directory.CreateTempSubdirectory("arkyn-start-").FullName;
        var info = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "Arkyn.dll"), "--urls", "http://127.0.0.1:0"])
        {
            WorkingDirectory = folder,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        foreach (var (key, value) in environment) info.Environment[key] = value;
        using var process = Process.Start(info)!;
        _ = process.StandardError.ReadToEndAsync();
        var output = new System.Text.StringBuilder();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                output.AppendLine(line);
                if (line.Contains("Database:")) break;
            }
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            Directory.Delete(folder, recursive: true);
        }
        return output.ToString();
    }

    [Fact]
    public async Task Start_up_says_where_the_server_listens_and_which_database_file_it_uses()
    {
        var output = await BannerAsync(("Logging__LogLevel__Default", "Warning"));

        Assert.Matches(@"Arkyn is listening on http://127\.0\.0\.1:\d+: dashboard http://127\.0\.0\.1:\d+/, Swagger UI http://127\.0\.0\.1:\d+/swagger", output);
        Assert.Matches(@"Database: SQLite, file /.*arkyn-start-[^/]+/data/arkyn\.db", output);
    }

    [Fact]
    public async Task A_missing_PostgreSQL_database_is_created_and_named_without_its_password()
    {
        var admin = Environment.GetEnvironmentVariable(ArkynApp.PostgresVariable);
        Assert.SkipWhen(admin is null && !string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase),
            $"needs {ArkynApp.PostgresVariable}");
        var name = $"arkyn_test_{Guid.NewGuid():N}";
        var target = new Npgsql.NpgsqlConnectionStringBuilder(admin) { Database = name };
        try
        {
            var output = await BannerAsync(("Database__Provider", "postgres"), ("ConnectionStrings__Arkyn", target.ConnectionString));

            Assert.Contains($"Created the PostgreSQL database {name}", output);
            Assert.Contains($"Database: PostgreSQL, database {name} on {target.Host}:{target.Port} as {target.Username}", output);
            if (target.Password is { Length: > 0 } password) Assert.DoesNotContain(password, output);
        }
        finally
        {
            await using var connection = new Npgsql.NpgsqlConnection(admin);
            await connection.OpenAsync(TestContext.Current.CancellationToken);
            await using var drop = new Npgsql.NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }
    }
}
