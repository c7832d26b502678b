using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Arkyn.Tests.Infrastructure;

/// <summary>
/// An Arkyn server on a real Kestrel listening on a free loopback port, for tests of what only a socket shows:
/// connection reuse, pipelining, Expect: 100-continue and Kestrel's own answers. <see cref="ApiTest.Client"/> talks to it over TCP too.
/// </summary>
public class KestrelApp : ArkynApp, IAsyncLifetime
{
    public KestrelApp(Engine engine, IReadOnlyDictionary<string, string?>? settings = null) : base(engine, settings) => UseKestrel(0);

    public new async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        if (SkipReason is null) StartServer();
    }

    public Uri Address => new(Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

    public Task<RawConnection> ConnectAsync() => RawConnection.OpenAsync(Address.Port);
}
