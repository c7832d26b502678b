using System.Net;
using Arkyn.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using OpenQA.Selenium.Chrome;

namespace Arkyn.Tests.Dashboard;

/// <summary>
/// An Arkyn server on a real Kestrel port of the loopback (a free one, chosen by the system) and a headless Chromium
/// driven by Debian's chromedriver, with a profile of its own. The network is closed: nothing that would call out runs.
/// </summary>
public class BrowserApp : ArkynApp, IAsyncLifetime
{
    public const string Chromium = "/usr/bin/chromium";
    public const string ChromeDriver = "/usr/bin/chromedriver";

    /// <summary>The Alerts page's tests post webhooks to a receiver on the loopback, an address refused by default.</summary>
    static readonly Dictionary<string, string?> Settings = new() { ["Alerts:AllowPrivateTargets"] = "true" };

    string? profile;

    public BrowserApp(Engine engine) : base(engine, Settings) => UseKestrel(k => k.Listen(IPAddress.Loopback, 0));

    public string BaseUrl { get; private set; } = "";
    public ChromeDriver Browser { get; private set; } = null!;

    public new async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        if (SkipReason is not null) return;
        if (!File.Exists(Chromium) || !File.Exists(ChromeDriver))
            throw new InvalidOperationException($"The browser tests need Debian's chromium and chromium-driver ({Chromium}, {ChromeDriver}): apt-get install -y chromium chromium-driver (.ci/run does).");
        StartServer();
        BaseUrl = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
        profile = Directory.CreateTempSubdirectory("arkyn-chromium-").FullName;
        var options = new ChromeOptions { BinaryLocation = Chromium };
        options.AddArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
            $"--user-data-dir={profile}", "--window-size=1280,1000", "--lang=en-US");
        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(ChromeDriver)!, Path.GetFileName(ChromeDriver));
        service.SuppressInitialDiagnosticInformation = true;
        service.HideCommandPromptWindow = true;
        Browser = new ChromeDriver(service, options, TimeSpan.FromSeconds(120));
        Browser.Manage().Timeouts().AsynchronousJavaScript = TimeSpan.FromSeconds(30);
    }

    public override async ValueTask DisposeAsync()
    {
        Browser?.Quit();
        Browser?.Dispose();
        if (profile is not null) try { Directory.Delete(profile, recursive: true); } catch (IOException) { }
        await base.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}

public sealed class SqliteBrowserApp() : BrowserApp(Engine.Sqlite);

public sealed class PostgresBrowserApp() : BrowserApp(Engine.Postgres);
