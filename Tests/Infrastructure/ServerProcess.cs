using System.Diagnostics;
using System.Net.Sockets;

namespace Arkyn.Tests.Infrastructure;

/// <summary>
/// A real server process (the Arkyn.dll of this build) on a free loopback port and a given database, for what only a
/// process shows: several servers on one database, and a server killed with SIGKILL. Stopped when disposed.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    readonly Process process;
    readonly System.Text.StringBuilder output = new();
    public HttpClient Client { get; }

    ServerProcess(Process process, Uri address)
    {
        this.process = process;
        Client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(60) };
        process.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string Output { get { lock (output) return output.ToString(); } }

    /// <param name="settings">Configuration keys as in appsettings.json ("Alerts:MaxAttempts"), passed as environment variables.</param>
    public static async Task<ServerProcess> StartAsync(Engine engine, string connectionString, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { Path.Combine(AppContext.BaseDirectory, "Arkyn.dll"), "--urls", $"http://127.0.0.1:{port}" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["Database__Provider"] = engine == Engine.Sqlite ? "sqlite" : "postgres";
        start.Environment["ConnectionStrings__Arkyn"] = connectionString;
        start.Environment["Auth__AllowRegistration"] = "true";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            start.Environment[key.Replace(":", "__")] = value;
        var server = new ServerProcess(Process.Start(start)!, new Uri($"http://127.0.0.1:{port}"));
        await server.WaitUntilReadyAsync();
        return server;
    }

    async Task WaitUntilReadyAsync()
    {
        // Generous: start-up includes the JIT, on a machine that may be busy.
        var until = DateTime.UtcNow.AddSeconds(90);
        while (DateTime.UtcNow < until)
        {
            if (process.HasExited) throw new InvalidOperationException($"the server exited with {process.ExitCode}: {Output}");
            try
            {
                if ((await Client.GetAsync("/readyz", Ct)).IsSuccessStatusCode) return;
            }
            catch (HttpRequestException) { }
            await Task.Delay(250, Ct);
        }
        throw new TimeoutException($"the server did not get ready: {Output}");
    }

    /// <summary>SIGKILL: the process ends at once, with no shutdown of any kind.</summary>
    public async Task KillAsync()
    {
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync(CancellationToken.None);
    }

    static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (!process.HasExited) process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync(CancellationToken.None);
        process.Dispose();
    }
}
