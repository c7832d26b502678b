using System.Diagnostics;

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
}
