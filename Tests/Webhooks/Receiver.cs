using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Arkyn.Tests.Webhooks;

/// <summary>A real HTTP server on a free loopback port that records every webhook post and answers what the test says.</summary>
public sealed class Receiver : IAsyncDisposable
{
    public sealed record Received(string Path, IHeaderDictionary Headers, string Body)
    {
        public string Id => Headers["webhook-id"].ToString();
        public JsonNode Json => JsonNode.Parse(Body)!;
    }

    readonly WebApplication app;
    readonly ConcurrentQueue<Received> received = new();

    /// <summary>The status code to answer a post with (200 unless a test says otherwise).</summary>
    public Func<Received, int> Answer { get; set; } = _ => 200;

    /// <summary>What a post waits for before it is answered: a test holds deliveries in flight with it.</summary>
    public Task Hold { get; set; } = Task.CompletedTask;

    public string Url { get; }

    Receiver(WebApplication app, string url)
    {
        this.app = app;
        Url = url;
    }

    public IReadOnlyList<Received> Posts => received.ToArray();

    public static async Task<Receiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var started = await StartOnAsync(app);
        return started;
    }

    static async Task<Receiver> StartOnAsync(WebApplication app)
    {
        Receiver? self = null;
        app.MapPost("/{**path}", async (HttpContext http) =>
        {
            using var reader = new StreamReader(http.Request.Body);
            var body = await reader.ReadToEndAsync();
            var headers = new HeaderDictionary();
            foreach (var (k, v) in http.Request.Headers) headers[k] = v;
            var post = new Received(http.Request.Path, headers, body);
            self!.received.Enqueue(post);
            await self.Hold;
            http.Response.StatusCode = self.Answer(post);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        self = new Receiver(app, address.Replace("[::]", "127.0.0.1").TrimEnd('/'));
        return self;
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
