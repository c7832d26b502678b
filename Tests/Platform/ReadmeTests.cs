using System.Diagnostics;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Arkyn.Tests.Infrastructure;

namespace Arkyn.Tests.Platform;

/// <summary>
/// The README's walkthrough, run as written (under set -euo pipefail) against the real server process on a fresh
/// database, so the README cannot drift from what the server does.
/// </summary>
public abstract partial class ReadmeTests(ArkynApp app)
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_walkthrough_runs_top_to_bottom_on_a_fresh_server()
    {
        Assert.SkipWhen(app.SkipReason is not null, app.SkipReason ?? "");
        var script = WalkthroughBlocks();
        Assert.True(script.Count >= 4, "the README's walkthrough has fewer shell blocks than expected");

        var port = FreePort();
        using var server = StartServer(port);
        try
        {
            await WaitUntilReadyAsync(port, server);
            var bash = new ProcessStartInfo("bash", ["-c", "set -euo pipefail\n" + string.Join("\n", script).Replace("http://localhost:5000", $"http://127.0.0.1:{port}")])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var run = Process.Start(bash)!;
            var stdout = run.StandardOutput.ReadToEndAsync(Ct);
            var stderr = run.StandardError.ReadToEndAsync(Ct);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            timeout.CancelAfter(TimeSpan.FromMinutes(2));
            await run.WaitForExitAsync(timeout.Token);

            Assert.True(run.ExitCode == 0, $"a walkthrough block failed (exit {run.ExitCode}):\n{await stderr}\n--- output ---\n{await stdout}");
            var output = await stdout;
            Assert.Contains("\"level\":\"FATAL\"", output);
            Assert.Contains("\"pathnameTemplate\":\"/users/{id}\"", output);
            Assert.Contains("\"cookie\":\"[REDACTED]\"", output);
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync(Ct);
        }
    }

    static List<string> WalkthroughBlocks()
    {
        var readme = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "README.md"));
        var start = readme.IndexOf("\n## Walkthrough", StringComparison.Ordinal);
        Assert.True(start >= 0, "the README has no Walkthrough section");
        var end = readme.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
        var section = readme[start..(end < 0 ? readme.Length : end)];
        return BashBlock().Matches(section).Select(m => m.Groups[1].Value).ToList();
    }

    Process StartServer(int port)
    {
        var folder = Directory.CreateTempSubdirectory("arkyn-readme-").FullName;
        var info = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "Arkyn.dll"), "--urls", $"http://127.0.0.1:{port}"])
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        info.Environment["Database__Provider"] = app.Engine == Engine.Sqlite ? "sqlite" : "postgres";
        info.Environment["ConnectionStrings__Arkyn"] = app.ConnectionString;
        var process = Process.Start(info)!;
        _ = process.StandardOutput.ReadToEndAsync(Ct);
        _ = process.StandardError.ReadToEndAsync(Ct);
        return process;
    }

    static async Task WaitUntilReadyAsync(int port, Process server)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        for (var attempt = 0; attempt < 300; attempt++)
        {
            Assert.False(server.HasExited, $"the server stopped with exit code {(server.HasExited ? server.ExitCode : 0)}");
            try
            {
                if ((await http.GetAsync($"http://127.0.0.1:{port}/readyz", Ct)).IsSuccessStatusCode) return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) when (!Ct.IsCancellationRequested) { }
            await Task.Delay(200, Ct);
        }
        Assert.Fail("the server did not become ready within a minute");
    }

    static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [GeneratedRegex(@"```bash\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex BashBlock();
}

public sealed class ReadmeTestsOnSqlite(SqliteApp app) : ReadmeTests(app), IClassFixture<SqliteApp>;

public sealed class ReadmeTestsOnPostgres(PostgresApp app) : ReadmeTests(app), IClassFixture<PostgresApp>;
