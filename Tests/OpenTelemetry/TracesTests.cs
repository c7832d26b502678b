using System.Diagnostics;
using System.IO.Compression;
using System.Net.Http.Headers;
using Arkyn.Tests.Infrastructure;
using Arkyn.Tests.Ingest;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Logging;
using global::OpenTelemetry;
using global::OpenTelemetry.Exporter;
using global::OpenTelemetry.Resources;
using global::OpenTelemetry.Trace;
using static Arkyn.Tests.OpenTelemetry.OtlpExports;

namespace Arkyn.Tests.OpenTelemetry;

/// <summary>
/// POST /v1/traces: exports of the OpenTelemetry .NET SDK (http/protobuf) and a replayed export of the Node.js HTTP
/// instrumentation (http/json) become records; old and new attribute names; both encodings alike; partial success;
/// retries; bad bodies; bad keys; limits.
/// </summary>
public abstract class TracesTests(ArkynApp app) : IngestTest(app)
{
    public sealed record Export(HttpStatusCode Status, string? ContentType, byte[] Body, HttpResponseMessage Message)
    {
        public JsonNode Json => JsonNode.Parse(Body)!;
        public string Text => System.Text.Encoding.UTF8.GetString(Body);
    }

    const string Protobuf = "application/x-protobuf";

    protected async Task<Export> ExportAsync(string? key, byte[] body, string contentType, bool gzip = false, HttpClient? client = null)
    {
        var content = new ByteArrayContent(gzip ? Gzipped(body) : body);
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        if (gzip) content.Headers.ContentEncoding.Add("gzip");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/traces") { Content = content };
        if (key is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        var response = await (client ?? Client).SendAsync(request, Ct);
        return new Export(response.StatusCode, response.Content.Headers.ContentType?.MediaType, await response.Content.ReadAsByteArrayAsync(Ct), response);
    }

    protected Task<Export> ExportJsonAsync(string? key, JsonNode export, bool gzip = false, HttpClient? client = null) =>
        ExportAsync(key, System.Text.Encoding.UTF8.GetBytes(export.ToJsonString()), "application/json", gzip, client);

    static byte[] Gzipped(byte[] body)
    {
        using var buffer = new MemoryStream();
        using (var zip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true)) zip.Write(body);
        return buffer.ToArray();
    }

    static void AssertOk(Export reply)
    {
        Assert.True(reply.Status == HttpStatusCode.OK, $"expected 200, got {(int)reply.Status}: {reply.Text}");
    }

    async Task<List<JsonObject>> RecordsAsync(Tenant t)
    {
        var reply = await SendAsync(HttpMethod.Get, $"/http-traffic-record/{t.SourceId}?pageLimit=100", token: t.Owner.Token);
        AssertStatus(HttpStatusCode.OK, reply);
        return [.. reply.Json["data"]!.AsArray().Select(r => r!.AsObject())];
    }

    async Task<JsonObject> RecordAsync(Tenant t, string pathname) =>
        (await RecordsAsync(t)).Single(r => Str(r["pathname"]) == pathname);

    async Task<List<JsonObject>> EndpointsAsync(Tenant t)
    {
        var reply = await SendAsync(HttpMethod.Get, $"/http-traffic-stats/{t.SourceId}?startDate=2026-01-01T00:00:00Z&endDate=2030-01-01T00:00:00Z", token: t.Owner.Token);
        AssertStatus(HttpStatusCode.OK, reply);
        return [.. reply.Json["endpoints"]!.AsArray().Select(e => e!.AsObject())];
    }

    static readonly DateTimeOffset Start = new(2026, 11, 30, 9, 15, 0, 250, TimeSpan.Zero);
    static long Nanos(DateTimeOffset at) => at.ToUnixTimeMilliseconds() * 1_000_000;

    /// <summary>Captures what the SDK's exporter sends and what it is answered; the exporter calls synchronously.</summary>
    sealed class Capture : DelegatingHandler
    {
        public List<(byte[] Request, string? RequestType, HttpStatusCode Status, byte[] Response)> Exchanges { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            var body = await request.Content!.ReadAsByteArrayAsync(ct);
            var type = request.Content.Headers.ContentType;
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = type;
            var response = await base.SendAsync(request, ct);
            var answer = await response.Content.ReadAsByteArrayAsync(ct);
            Exchanges.Add((body, type?.MediaType, response.StatusCode, answer));
            return response;
        }

        protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken ct) => SendAsync(request, ct).GetAwaiter().GetResult();
    }

    /// <summary>
    /// Spans made by an ActivitySource and exported by the OpenTelemetry SDK's OTLP exporter over http/protobuf, exactly
    /// as an instrumented .NET app exports them; the tags are those the ASP.NET Core and HttpClient instrumentations set.
    /// </summary>
    async Task<Capture> ExportWithSdkAsync(string key, Action<ActivitySource> record)
    {
        var capture = new Capture();
        var name = $"Arkyn.Tests.{Guid.NewGuid():N}";
        using (var source = new ActivitySource(name))
        using (var provider = Sdk.CreateTracerProviderBuilder()
                   .AddSource(name)
                   .ConfigureResource(r => r.AddService("orders-api"))
                   .AddOtlpExporter(o =>
                   {
                       o.Protocol = OtlpExportProtocol.HttpProtobuf;
                       o.Endpoint = new Uri("http://localhost/v1/traces");
                       o.Headers = $"Authorization=Bearer {key}";
                       o.TimeoutMilliseconds = 120_000; // the first export meets a cold route on a busy machine
                       o.HttpClientFactory = () => App.CreateDefaultClient(capture);
                       // The SDK's default: spans are batched (up to 512 an export), here sent by the flush below.
                       o.ExportProcessorType = ExportProcessorType.Batch;
                       o.BatchExportProcessorOptions = new BatchExportProcessorOptions<Activity> { ScheduledDelayMilliseconds = 60_000 };
                   })
                   .Build())
        {
            record(source);
            Assert.True(provider.ForceFlush(120_000));
        }
        await Task.CompletedTask;
        return capture;
    }

    static void ServerSpan(ActivitySource source, DateTimeOffset start, double ms, params (string, object?)[] tags) =>
        Span(source, ActivityKind.Server, start, ms, tags);

    static void Span(ActivitySource source, ActivityKind kind, DateTimeOffset start, double ms, params (string Key, object? Value)[] tags)
    {
        using var activity = source.StartActivity("span", kind, default(ActivityContext), tags.Select(t => new KeyValuePair<string, object?>(t.Key, t.Value)), null, start)!;
        activity.SetEndTime(start.AddMilliseconds(ms).UtcDateTime);
    }

    [Fact]
    public async Task An_sdk_export_over_http_protobuf_stores_every_http_server_and_client_span_grouped_by_route()
    {
        var t = await TenantAsync();
        var capture = await ExportWithSdkAsync(t.Key, source =>
        {
            for (var id = 1; id <= 2; id++)
                ServerSpan(source, Start.AddSeconds(id), 20 + id,
                    ("http.request.method", "GET"), ("url.scheme", "https"), ("url.path", $"/api/orders/{id}"), ("url.query", "expand=items"),
                    ("server.address", "orders.example.com"), ("server.port", 443), ("network.protocol.version", "1.1"),
                    ("user_agent.original", "curl/8.5.0"), ("http.route", "api/orders/{id:int}"), ("http.response.status_code", 200),
                    ("http.request.header.accept", new[] { "application/json" }), ("http.request.header.authorization", new[] { "Bearer secret" }));
            ServerSpan(source, Start.AddSeconds(3), 7.25,
                ("http.request.method", "POST"), ("url.scheme", "http"), ("url.path", "/api/orders"), ("server.address", "localhost"),
                ("server.port", 5000), ("http.route", "api/orders"), ("http.response.status_code", 503));
            Span(source, ActivityKind.Client, Start.AddSeconds(4), 40,
                ("http.request.method", "POST"), ("server.address", "payments.example.com"), ("server.port", 443),
                ("url.full", "https://payments.example.com/v1/charges?idempotency=abc"), ("http.response.status_code", 201));
            Span(source, ActivityKind.Internal, Start.AddSeconds(5), 1, ("http.request.method", "GET"));       // not SERVER or CLIENT
            ServerSpan(source, Start.AddSeconds(6), 1, ("rpc.system", "grpc"));                                  // no HTTP method
        });

        var exchange = Assert.Single(capture.Exchanges);
        Assert.Equal(Protobuf, exchange.RequestType);
        Assert.Equal(HttpStatusCode.OK, exchange.Status);
        Assert.Empty(exchange.Response); // ExportTraceServiceResponse without partial_success

        var records = await RecordsAsync(t);
        Assert.Equal(4, records.Count);
        var first = await RecordAsync(t, "/api/orders/1");
        Assert.Equal(RecordViewFields, first.Select(p => p.Key));
        Assert.Equal(("orders.example.com", "HTTPS", "GET", 200, "INFO", 21.0), (Str(first["domain"]), Str(first["protocol"]), Str(first["method"]),
            first["status"]!.GetValue<int>(), Str(first["level"]), first["elapsedTime"]!.GetValue<double>()));
        Assert.Equal("11/30/2026 at 09:15:01", Str(first["createdAt"]));
        Assert.Equal("items", Str(first["request"]!["queryParams"]!["expand"]));
        Assert.Equal("application/json", Str(first["request"]!["headers"]!["accept"]));
        Assert.Equal("[REDACTED]", Str(first["request"]!["headers"]!["authorization"]));
        Assert.True(Guid.TryParse(Str(first["id"]), out var id) && id.Version == 7);

        var post = await RecordAsync(t, "/api/orders");
        Assert.Equal(("localhost:5000", "HTTP", 503, "FATAL", 7.25), (Str(post["domain"]), Str(post["protocol"]), post["status"]!.GetValue<int>(),
            Str(post["level"]), post["elapsedTime"]!.GetValue<double>()));
        var charge = await RecordAsync(t, "/v1/charges");
        Assert.Equal(("payments.example.com", "HTTPS", "POST", 201), (Str(charge["domain"]), Str(charge["protocol"]), Str(charge["method"]), charge["status"]!.GetValue<int>()));
        Assert.Equal("abc", Str(charge["request"]!["queryParams"]!["idempotency"]));

        var endpoints = await EndpointsAsync(t);
        var orders = endpoints.Single(e => Str(e["domain"]) == "orders.example.com");
        Assert.Equal(("/api/orders/{id}", 2), (Str(orders["pathnameTemplate"]), orders["count"]!.GetValue<int>()));
        Assert.Contains(endpoints, e => Str(e["pathnameTemplate"]) == "/api/orders" && Str(e["method"]) == "POST");

        // The exporter's own bytes sent again (a retry) store nothing twice.
        var before = await FootprintAsync(t);
        var retry = await ExportAsync(t.Key, exchange.Request, Protobuf);
        AssertOk(retry);
        Assert.Equal(Protobuf, retry.ContentType);
        Assert.Equal(before, await FootprintAsync(t));
    }

    static readonly SemaphoreSlim OneInstrumentedApp = new(1, 1);

    [Fact]
    public async Task An_aspnetcore_app_instrumented_with_the_sdk_reports_its_requests_by_route()
    {
        var t = await TenantAsync();
        // The instrumentation sees every ASP.NET Core request of this process (Arkyn's own test servers too): it keeps
        // only this test's app, whose routes all start with a segment of its own. A request it filters out is marked
        // unrecorded for every listener, so two instrumented apps at once (this test on both engines) would drop each
        // other's spans: they take turns.
        var tenant = $"shop-{Guid.NewGuid():N}";
        var capture = new Capture();
        var ended = new EndedSpans($"/{tenant}/");
        await OneInstrumentedApp.WaitAsync(Ct);
        try
        {
            using (var provider = Sdk.CreateTracerProviderBuilder()
                       .ConfigureResource(r => r.AddService("shop"))
                       .AddAspNetCoreInstrumentation(o => o.Filter = http => http.Request.Path.StartsWithSegments($"/{tenant}"))
                       .AddProcessor(ended)
                       .AddOtlpExporter(o =>
                       {
                           o.Protocol = OtlpExportProtocol.HttpProtobuf;
                           o.Endpoint = new Uri("http://localhost/v1/traces");
                           o.Headers = $"Authorization=Bearer {t.Key}";
                           o.TimeoutMilliseconds = 120_000;
                           o.HttpClientFactory = () => App.CreateDefaultClient(capture);
                           o.BatchExportProcessorOptions = new BatchExportProcessorOptions<Activity> { ScheduledDelayMilliseconds = 60_000 };
                       })
                       .Build())
            {
                var builder = WebApplication.CreateSlimBuilder();
                builder.WebHost.UseTestServer();
                builder.Logging.ClearProviders();
                await using var shop = builder.Build();
                shop.MapGet("/{tenant}/orders/{id:int}", (int id) => Results.Ok(new { id }));
                shop.MapPost("/{tenant}/orders", () => Results.StatusCode(503));
                await shop.StartAsync(Ct);
                using var http = shop.GetTestClient();
                Assert.Equal(HttpStatusCode.OK, (await http.GetAsync($"/{tenant}/orders/1", Ct)).StatusCode);
                await http.GetAsync($"/{tenant}/orders/2?expand=items", Ct);
                await http.PostAsync($"/{tenant}/orders", new StringContent("{}"), Ct);
                await http.GetAsync($"/{tenant}/missing", Ct);
                await shop.StopAsync(Ct);
                // The test server answers before its pipeline has ended the request's span: a span that ends after the
                // provider is disposed is never exported.
                await ended.CountAsync(4);
                Assert.True(provider.ForceFlush(120_000));
            }
        }
        finally
        {
            OneInstrumentedApp.Release();
        }

        // A request's span ends when ASP.NET Core has finished with it, which may be after its client has the answer:
        // a late span goes in a second export, at the provider's shutdown.
        Assert.NotEmpty(capture.Exchanges);
        Assert.All(capture.Exchanges, e => Assert.Equal((HttpStatusCode.OK, 0), (e.Status, e.Response.Length)));
        var records = await RecordsAsync(t);
        Assert.Equal(4, records.Count);
        Assert.All(records, r => Assert.Equal(("localhost", "HTTP"), (Str(r["domain"]), Str(r["protocol"]))));
        var one = await RecordAsync(t, $"/{tenant}/orders/1");
        Assert.Equal(("GET", 200, "INFO"), (Str(one["method"]), one["status"]!.GetValue<int>(), Str(one["level"])));
        Assert.True(one["elapsedTime"]!.GetValue<double>() > 0);
        Assert.Equal(404, (await RecordAsync(t, $"/{tenant}/missing"))["status"]!.GetValue<int>());
        Assert.Equal(503, (await RecordAsync(t, $"/{tenant}/orders"))["status"]!.GetValue<int>());

        var endpoints = await EndpointsAsync(t);
        var byRoute = endpoints.Single(e => Str(e["pathnameTemplate"]) == "/{tenant}/orders/{id}");
        Assert.Equal(("GET", 2), (Str(byRoute["method"]), byRoute["count"]!.GetValue<int>()));
        Assert.Contains(endpoints, e => Str(e["pathnameTemplate"]) == "/{tenant}/orders" && Str(e["method"]) == "POST");
    }

    /// <summary>Counts the ended spans of requests under a path prefix.</summary>
    sealed class EndedSpans(string pathPrefix) : BaseProcessor<Activity>
    {
        int count;

        public override void OnEnd(Activity activity)
        {
            if ((activity.GetTagItem("url.path") as string)?.StartsWith(pathPrefix, StringComparison.Ordinal) == true)
                Interlocked.Increment(ref count);
        }

        public async Task CountAsync(int expected)
        {
            var clock = Stopwatch.StartNew();
            while (Volatile.Read(ref count) < expected)
            {
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"{Volatile.Read(ref count)} of {expected} spans ended within 30 s");
                await Task.Delay(20, TestContext.Current.CancellationToken);
            }
        }
    }

    /// <summary>
    /// What @opentelemetry/exporter-trace-otlp-http sends for @opentelemetry/instrumentation-http (with Express) under
    /// the older semantic conventions, and a span under the stable ones (OTEL_SEMCONV_STABILITY_OPT_IN=http).
    /// </summary>
    const string NodeExport = """
        {"resourceSpans":[{"resource":{"attributes":[
          {"key":"service.name","value":{"stringValue":"shop-api"}},{"key":"telemetry.sdk.language","value":{"stringValue":"nodejs"}},
          {"key":"telemetry.sdk.name","value":{"stringValue":"opentelemetry"}},{"key":"telemetry.sdk.version","value":{"stringValue":"1.30.1"}},
          {"key":"process.pid","value":{"intValue":4242}}],"droppedAttributesCount":0},
         "scopeSpans":[
          {"scope":{"name":"@opentelemetry/instrumentation-http","version":"0.57.2"},"spans":[
           {"traceId":"4bf92f3577b34da6a3ce929d0e0e4736","spanId":"00f067aa0ba902b7","name":"GET /users/:name","kind":2,
            "startTimeUnixNano":"1796030100250000000","endTimeUnixNano":"1796030100262500000","attributes":[
             {"key":"http.url","value":{"stringValue":"http://localhost:8080/users/ada?expand=orders&tag=a&tag=b"}},
             {"key":"http.host","value":{"stringValue":"localhost:8080"}},{"key":"net.host.name","value":{"stringValue":"localhost"}},
             {"key":"http.method","value":{"stringValue":"GET"}},{"key":"http.scheme","value":{"stringValue":"http"}},
             {"key":"http.target","value":{"stringValue":"/users/ada?expand=orders&tag=a&tag=b"}},
             {"key":"http.user_agent","value":{"stringValue":"curl/8.5.0"}},{"key":"http.flavor","value":{"stringValue":"1.1"}},
             {"key":"net.transport","value":{"stringValue":"ip_tcp"}},{"key":"net.host.ip","value":{"stringValue":"::1"}},
             {"key":"net.host.port","value":{"intValue":8080}},{"key":"net.peer.ip","value":{"stringValue":"::1"}},
             {"key":"net.peer.port","value":{"intValue":53422}},{"key":"http.status_code","value":{"intValue":200}},
             {"key":"http.status_text","value":{"stringValue":"OK"}},{"key":"http.route","value":{"stringValue":"/users/:name"}},
             {"key":"enduser.id","value":{"stringValue":"user-456"}}],
            "droppedAttributesCount":0,"events":[],"droppedEventsCount":0,"status":{"code":0},"links":[],"droppedLinksCount":0,"flags":1},
           {"traceId":"4bf92f3577b34da6a3ce929d0e0e4736","spanId":"00f067aa0ba902b8","parentSpanId":"00f067aa0ba902b7","name":"POST","kind":3,
            "startTimeUnixNano":"1796030100252000000","endTimeUnixNano":"1796030100260000000","attributes":[
             {"key":"http.url","value":{"stringValue":"https://api.stripe.com:443/v1/charges"}},{"key":"http.method","value":{"stringValue":"POST"}},
             {"key":"http.target","value":{"stringValue":"/v1/charges"}},{"key":"net.peer.name","value":{"stringValue":"api.stripe.com"}},
             {"key":"http.host","value":{"stringValue":"api.stripe.com:443"}},{"key":"net.peer.ip","value":{"stringValue":"10.0.0.7"}},
             {"key":"net.peer.port","value":{"intValue":443}},{"key":"http.status_code","value":{"intValue":402}},
             {"key":"http.status_text","value":{"stringValue":"PAYMENT REQUIRED"}},{"key":"http.flavor","value":{"stringValue":"1.1"}}],
            "droppedAttributesCount":0,"events":[],"droppedEventsCount":0,"status":{"code":2},"links":[],"droppedLinksCount":0,"flags":1},
           {"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","name":"POST /orders","kind":2,
            "startTimeUnixNano":"1796030101000000000","endTimeUnixNano":"1796030101150000000","attributes":[
             {"key":"http.request.method","value":{"stringValue":"POST"}},{"key":"url.scheme","value":{"stringValue":"http"}},
             {"key":"url.path","value":{"stringValue":"/orders"}},{"key":"url.query","value":{"stringValue":"page=2&q=blue+shoes"}},
             {"key":"server.address","value":{"stringValue":"localhost"}},{"key":"server.port","value":{"intValue":"8080"}},
             {"key":"client.address","value":{"stringValue":"::1"}},{"key":"network.peer.address","value":{"stringValue":"::1"}},
             {"key":"network.protocol.version","value":{"stringValue":"1.1"}},{"key":"user_agent.original","value":{"stringValue":"node"}},
             {"key":"http.response.status_code","value":{"intValue":500}},{"key":"http.route","value":{"stringValue":"/orders"}},
             {"key":"user.id","value":{"stringValue":"user-789"}},
             {"key":"http.request.header.content-type","value":{"arrayValue":{"values":[{"stringValue":"application/json"}]}}},
             {"key":"http.request.header.cookie","value":{"arrayValue":{"values":[{"stringValue":"session=abc"}]}}},
             {"key":"http.request.body","value":{"stringValue":"{\"item\":\"shoe\",\"password\":\"hunter2\"}"}},
             {"key":"http.response.body","value":{"stringValue":"Internal Server Error"}}],
            "droppedAttributesCount":0,"events":[{"timeUnixNano":"1796030101100000000","name":"exception","attributes":[],"droppedAttributesCount":0}],
            "droppedEventsCount":0,"status":{"code":2,"message":"boom"},"links":[],"droppedLinksCount":0,"flags":1,"someFutureField":{"x":1}}]},
          {"scope":{"name":"@opentelemetry/instrumentation-express","version":"0.47.0"},"spans":[
           {"traceId":"4bf92f3577b34da6a3ce929d0e0e4736","spanId":"00f067aa0ba902b9","parentSpanId":"00f067aa0ba902b7","name":"middleware - query","kind":1,
            "startTimeUnixNano":"1796030100251000000","endTimeUnixNano":"1796030100251100000","attributes":[
             {"key":"http.route","value":{"stringValue":"/"}},{"key":"express.name","value":{"stringValue":"query"}},
             {"key":"express.type","value":{"stringValue":"middleware"}}],"droppedAttributesCount":0,"events":[],"droppedEventsCount":0,
            "status":{"code":0},"links":[],"droppedLinksCount":0,"flags":1}]}]}]}
        """;

    [Fact]
    public async Task A_nodejs_http_json_export_maps_old_and_new_attribute_names()
    {
        var t = await TenantAsync();
        var reply = await ExportJsonAsync(t.Key, JsonNode.Parse(NodeExport)!);
        AssertOk(reply);
        Assert.Equal("application/json", reply.ContentType);
        Assert.Equal("{}", reply.Text);

        var records = await RecordsAsync(t);
        Assert.Equal(3, records.Count); // the Express middleware span is INTERNAL: skipped

        var user = await RecordAsync(t, "/users/ada");
        Assert.Equal(("localhost:8080", "HTTP", "GET", 200, 12.5, "user-456"), (Str(user["domain"]), Str(user["protocol"]), Str(user["method"]),
            user["status"]!.GetValue<int>(), user["elapsedTime"]!.GetValue<double>(), Str(user["trafficUserId"])));
        Assert.Equal("11/30/2026 at 09:15:00", Str(user["createdAt"]));
        Assert.Equal("""{"expand":"orders","tag":["a","b"]}""", user["request"]!["queryParams"]!.ToJsonString());

        var charge = await RecordAsync(t, "/v1/charges");
        Assert.Equal(("api.stripe.com", "HTTPS", "POST", 402, "WARNING", 8.0), (Str(charge["domain"]), Str(charge["protocol"]), Str(charge["method"]),
            charge["status"]!.GetValue<int>(), Str(charge["level"]), charge["elapsedTime"]!.GetValue<double>()));

        var order = await RecordAsync(t, "/orders");
        Assert.Equal(("localhost:8080", "HTTP", "POST", 500, "FATAL", 150.0, "user-789"), (Str(order["domain"]), Str(order["protocol"]), Str(order["method"]),
            order["status"]!.GetValue<int>(), Str(order["level"]), order["elapsedTime"]!.GetValue<double>(), Str(order["trafficUserId"])));
        Assert.Equal("""{"page":"2","q":"blue shoes"}""", order["request"]!["queryParams"]!.ToJsonString());
        Assert.Equal("""{"content-type":"application/json","cookie":"[REDACTED]"}""", order["request"]!["headers"]!.ToJsonString());
        Assert.Equal("""{"item":"shoe","password":"[REDACTED]"}""", order["request"]!["body"]!.ToJsonString());
        Assert.Equal("Internal Server Error", Str(order["response"]!["body"]));

        // http.route is the template: /users/ada would not have been templated at all.
        var endpoints = await EndpointsAsync(t);
        Assert.Contains(endpoints, e => Str(e["pathnameTemplate"]) == "/users/{name}" && Str(e["domain"]) == "localhost:8080");
        Assert.Contains(endpoints, e => Str(e["pathnameTemplate"]) == "/v1/charges" && Str(e["domain"]) == "api.stripe.com");
    }

    static TestSpan[] MixedSpans(string traceId) =>
    [
        new(traceId, "0000000000000a01", KindServer, Nanos(Start), Nanos(Start) + 3_500_000,
            ("http.request.method", "GET"), ("url.scheme", "https"), ("url.path", "/items/17"), ("url.query", "sort=price"),
            ("server.address", "shop.example.com"), ("http.route", "/items/{itemId}"), ("http.response.status_code", 404),
            ("enduser.id", "u-1"), ("http.response.header.content-type", new[] { "application/json" }),
            ("http.response.body", """{"error":"not found"}"""), ("some.flag", true), ("some.ratio", 0.5)),
        new(traceId, "0000000000000a02", KindClient, Nanos(Start.AddSeconds(1)), Nanos(Start.AddSeconds(1)) + 1_000_001,
            ("http.method", "DELETE"), ("http.url", "http://inventory.internal:9000/stock/17"), ("http.status_code", 204)),
        new(traceId, "0000000000000a03", KindServer, Nanos(Start.AddSeconds(2)), Nanos(Start.AddSeconds(2)) + 2_000_000,
            ("http.method", "PUT"), ("http.scheme", "http"), ("net.host.name", "10.1.2.3"), ("net.host.port", 8081),
            ("http.target", "/carts/abc123def456?x=1"), ("http.status_code", 200)),
    ];

    static JsonObject WithoutIds(JsonObject record)
    {
        var copy = record.DeepClone().AsObject();
        foreach (var key in new[] { "id", "trafficSourceId", "domainId", "pathnameId", "requestId", "responseId" }) copy.Remove(key);
        return copy;
    }

    [Fact]
    public async Task Protobuf_and_json_of_the_same_spans_give_the_same_records_and_one_is_a_retry_of_the_other()
    {
        var spans = MixedSpans(NewTraceId());
        var byProtobuf = await TenantAsync();
        var byJson = await TenantAsync();
        AssertOk(await ExportAsync(byProtobuf.Key, OtlpExports.Protobuf(spans), Protobuf));
        AssertOk(await ExportJsonAsync(byJson.Key, OtlpExports.Json(spans)));

        var fromProtobuf = (await RecordsAsync(byProtobuf)).OrderBy(r => Str(r["pathname"])).ToList();
        var fromJson = (await RecordsAsync(byJson)).OrderBy(r => Str(r["pathname"])).ToList();
        Assert.Equal(3, fromProtobuf.Count);
        Assert.Equal(fromProtobuf.Select(r => WithoutIds(r).ToJsonString()), fromJson.Select(r => WithoutIds(r).ToJsonString()));
        var item = fromProtobuf.Single(r => Str(r["pathname"]) == "/items/17");
        Assert.Equal(("shop.example.com", "HTTPS", 404, 3.5, "u-1"), (Str(item["domain"]), Str(item["protocol"]), item["status"]!.GetValue<int>(),
            item["elapsedTime"]!.GetValue<double>(), Str(item["trafficUserId"])));
        Assert.Equal("""{"error":"not found"}""", item["response"]!["body"]!.ToJsonString());
        var stock = fromProtobuf.Single(r => Str(r["pathname"]) == "/stock/17");
        Assert.Equal(("inventory.internal:9000", "HTTP", "DELETE", 1.000001), (Str(stock["domain"]), Str(stock["protocol"]), Str(stock["method"]),
            stock["elapsedTime"]!.GetValue<double>()));
        Assert.Equal("10.1.2.3:8081", Str(fromProtobuf.Single(r => Str(r["pathname"]) == "/carts/abc123def456")["domain"]));

        var templates = (await EndpointsAsync(byJson)).Select(e => Str(e["pathnameTemplate"])).Order().ToList();
        Assert.Equal(["/carts/{id}", "/items/{itemId}", "/stock/{id}"], templates);

        // The same spans in the other encoding, to the same source, are a retry: nothing is stored twice.
        var before = await FootprintAsync(byProtobuf);
        AssertOk(await ExportJsonAsync(byProtobuf.Key, OtlpExports.Json(spans), gzip: true));
        Assert.Equal(before, await FootprintAsync(byProtobuf));
        Assert.Equal(fromProtobuf.Select(r => Str(r["id"])).Order(), (await RecordsAsync(byProtobuf)).Select(r => Str(r["id"])).Order());
    }

    [Fact]
    public async Task A_retried_export_stores_nothing_twice_and_a_repeated_span_is_stored_once()
    {
        var t = await TenantAsync();
        var spans = MixedSpans(NewTraceId());
        var body = OtlpExports.Protobuf([.. spans, spans[0]]);
        AssertOk(await ExportAsync(t.Key, body, Protobuf, gzip: true));
        var first = await FootprintAsync(t);
        Assert.Equal(3, first.Traffic);
        var ids = (await RecordsAsync(t)).Select(r => Str(r["id"])).Order().ToList();

        await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => ExportAsync(t.Key, body, Protobuf)));
        AssertOk(await ExportAsync(t.Key, body, Protobuf));
        Assert.Equal(first, await FootprintAsync(t));
        Assert.Equal(ids, (await RecordsAsync(t)).Select(r => Str(r["id"])).Order());

        // The same span ids in another source are that source's own records.
        var other = await TenantAsync();
        AssertOk(await ExportAsync(other.Key, body, Protobuf));
        Assert.Equal(3, (await FootprintAsync(other)).Traffic);
        Assert.Empty((await RecordsAsync(other)).Select(r => Str(r["id"])).Intersect(ids));
    }

    static TestSpan[] SpansWithRejects(string traceId) =>
    [
        new(traceId, "0000000000000b01", KindServer, Nanos(Start), Nanos(Start) + 1_000_000,
            ("http.request.method", "GET"), ("url.path", "/ok"), ("server.address", "api.example.com"), ("http.response.status_code", 200)),
        new(traceId, "0000000000000b02", KindServer, Nanos(Start), Nanos(Start) + 1_000_000,
            ("http.request.method", "GET"), ("url.path", "/no-status"), ("server.address", "api.example.com")),
        new(traceId, "0000000000000b03", KindServer, Nanos(Start), Nanos(Start) + 1_000_000,
            ("http.request.method", "GET"), ("url.path", "/bad-status"), ("server.address", "api.example.com"), ("http.response.status_code", 700)),
        new(traceId[..16], "0000000000000b04", KindServer, Nanos(Start), Nanos(Start) + 1_000_000,
            ("http.request.method", "GET"), ("url.path", "/short-trace"), ("server.address", "api.example.com"), ("http.response.status_code", 200)),
        new(traceId, "0000000000000b05", KindClient, Nanos(Start), Nanos(Start) - 1,
            ("http.request.method", "GET"), ("url.full", "https://api.example.com/backwards"), ("http.response.status_code", 200)),
        new(traceId, "0000000000000b06", KindInternal, Nanos(Start), Nanos(Start) + 1, ("http.request.method", "GET")),
    ];

    [Fact]
    public async Task Spans_that_cannot_be_stored_are_counted_in_partial_success_and_the_others_are_stored()
    {
        var t = await TenantAsync();
        var reply = await ExportJsonAsync(t.Key, OtlpExports.Json(SpansWithRejects(NewTraceId())));
        AssertOk(reply);
        var partial = reply.Json["partialSuccess"]!;
        Assert.Equal("4", Str(partial["rejectedSpans"]));
        var message = Str(partial["errorMessage"]);
        Assert.Contains("span 0000000000000b02", message);
        Assert.Contains("http.response.status_code", message);
        Assert.Contains("span 0000000000000b03", message);
        Assert.Contains("traceId", message);
        Assert.Contains("endTimeUnixNano", message);
        Assert.Equal("/ok", Str(Assert.Single(await RecordsAsync(t))["pathname"]));

        var other = await TenantAsync();
        var protobufReply = await ExportAsync(other.Key, OtlpExports.Protobuf(SpansWithRejects(NewTraceId())), Protobuf);
        AssertOk(protobufReply);
        Assert.Equal(Protobuf, protobufReply.ContentType);
        var (rejected, protobufMessage) = PartialSuccess(protobufReply.Body);
        Assert.Equal(4, rejected);
        Assert.Contains("http.response.status_code", protobufMessage);
        Assert.Single(await RecordsAsync(other));
    }

    [Fact]
    public async Task Bodies_that_cannot_be_decoded_are_400_and_store_nothing()
    {
        var t = await SharedTenantAsync();
        var before = await FootprintAsync(t);
        byte[] Utf8(string s) => System.Text.Encoding.UTF8.GetBytes(s);
        foreach (var json in new[] { "not json", "[1,2]", """{"resourceSpans":5}""", """{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"xyz"}]}]}]}""",
                     """{"resourceSpans":[{"scopeSpans":[{"spans":[{"startTimeUnixNano":"-5"}]}]}]}""",
                     """{"resourceSpans":[{"scopeSpans":[{"spans":[{"attributes":[{"key":"a","value":{"intValue":"x"}}]}]}]}]}""" })
        {
            var reply = await ExportAsync(t.Key, Utf8(json), "application/json");
            Assert.True(reply.Status == HttpStatusCode.BadRequest, $"{json}: {(int)reply.Status} {reply.Text}");
            Assert.Equal("application/problem+json", reply.ContentType);
            Assert.Equal(400, reply.Json["status"]!.GetValue<int>());
        }

        foreach (var bytes in new[] { new byte[] { 0x0A, 0x05, 0x01 }, Utf8("not protobuf at all"), new byte[] { 0xFF, 0xFF, 0xFF } })
        {
            var reply = await ExportAsync(t.Key, bytes, Protobuf);
            Assert.True(reply.Status == HttpStatusCode.BadRequest, $"{Convert.ToHexString(bytes)}: {(int)reply.Status} {reply.Text}");
            Assert.Equal(Protobuf, reply.ContentType);
            var (code, message) = OtlpExports.Status(reply.Body);
            Assert.Equal(3, code); // INVALID_ARGUMENT
            Assert.Contains("not an OTLP ExportTraceServiceRequest", message);
        }

        var notGzip = new ByteArrayContent(Utf8("{}"));
        notGzip.Headers.ContentType = new MediaTypeHeaderValue(Protobuf);
        notGzip.Headers.ContentEncoding.Add("gzip");
        var broken = await SendOnAsync(Client, HttpMethod.Post, "/v1/traces", notGzip, t.Key);
        AssertStatus(HttpStatusCode.BadRequest, broken);
        Assert.Equal(Protobuf, broken.ContentType);

        var text = await ExportAsync(t.Key, Utf8("{}"), "text/plain");
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, text.Status);
        Assert.Equal("application/problem+json", text.ContentType);

        var empty = await ExportJsonAsync(t.Key, new JsonObject());
        AssertOk(empty);
        Assert.Equal("{}", empty.Text);
        Assert.Equal(before, await FootprintAsync(t));
    }

    [Fact]
    public async Task Only_an_ingest_key_may_export_and_its_source_receives_the_spans()
    {
        var t = await TenantAsync();
        var bystander = await TenantAsync();
        var body = OtlpExports.Protobuf(MixedSpans(NewTraceId()));

        var missing = await ExportJsonAsync(null, OtlpExports.Json(MixedSpans(NewTraceId())));
        Assert.Equal(HttpStatusCode.BadRequest, missing.Status);
        Assert.Equal("application/problem+json", missing.ContentType);

        var unknown = await ExportAsync("ak_unknown", body, Protobuf);
        Assert.Equal(HttpStatusCode.Unauthorized, unknown.Status);
        Assert.Equal(Protobuf, unknown.ContentType);
        Assert.Equal(16, OtlpExports.Status(unknown.Body).Code); // UNAUTHENTICATED

        var badJwt = await ExportJsonAsync("not-a-token", OtlpExports.Json(MixedSpans(NewTraceId())));
        Assert.Equal(HttpStatusCode.Unauthorized, badJwt.Status);
        Assert.Equal("application/problem+json", badJwt.ContentType);

        var person = await ExportAsync(t.Owner.Token, body, Protobuf);
        Assert.Equal(HttpStatusCode.Forbidden, person.Status);
        Assert.Contains("ingest key", OtlpExports.Status(person.Body).Message);
        var personJson = await ExportJsonAsync(t.Owner.Token, OtlpExports.Json(MixedSpans(NewTraceId())));
        Assert.Equal(HttpStatusCode.Forbidden, personJson.Status);
        Assert.Equal("application/problem+json", personJson.ContentType);

        AssertStatus(HttpStatusCode.NoContent, await SendAsync(HttpMethod.Delete, $"/ingest-key/{t.KeyId}", token: t.Owner.Token));
        var revoked = await ExportAsync(t.Key, body, Protobuf);
        Assert.Equal(HttpStatusCode.Unauthorized, revoked.Status);

        Assert.Equal(0, (await FootprintAsync(t)).Traffic);
        var before = await FootprintAsync(bystander);
        AssertOk(await ExportAsync(bystander.Key, body, Protobuf));
        Assert.Equal(3, (await FootprintAsync(bystander)).Traffic - before.Traffic);
        Assert.Equal(0, (await FootprintAsync(t)).Traffic);
    }

    [Fact]
    public async Task Over_the_body_limit_is_413_and_over_the_rate_is_429_with_retry_after()
    {
        await using var limited = new ArkynApp(App.Engine, new Dictionary<string, string?>
        {
            ["Ingest:MaxBatchBytes"] = "4096",
            ["Ingest:RateLimit:PermitsPerSecond"] = "1",
            ["Ingest:RateLimit:Burst"] = "3",
        });
        await limited.InitializeAsync();
        using var client = limited.CreateClient();
        var t = await TenantAsync(limited, client);
        var large = Enumerable.Range(0, 60).Select(i => new TestSpan(NewTraceId(), NewSpanId(), KindServer, Nanos(Start), Nanos(Start) + 1,
            ("http.request.method", "GET"), ("url.path", $"/large/{i}"), ("server.address", "api.example.com"), ("http.response.status_code", 200))).ToArray();

        var declared = await ExportAsync(t.Key, OtlpExports.Protobuf(large), Protobuf, client: client);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, declared.Status);
        Assert.Equal(8, OtlpExports.Status(declared.Body).Code); // RESOURCE_EXHAUSTED
        var zipped = await ExportJsonAsync(t.Key, OtlpExports.Json(large), gzip: true, client: client);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, zipped.Status);
        Assert.Equal("application/problem+json", zipped.ContentType);
        Assert.Equal(0, (await FootprintAsync(t, limited)).Traffic);

        // Twelve at once against a bucket of three that refills by one a second: some pass, the rest are refused, however
        // slow the machine (all twelve passing would take nine seconds of refills between their arrivals).
        var replies = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => ExportAsync(t.Key, OtlpExports.Protobuf([large[0]]), Protobuf, client: client)));
        Assert.All(replies, r => Assert.Contains(r.Status, new[] { HttpStatusCode.OK, HttpStatusCode.TooManyRequests }));
        var refused = replies.FirstOrDefault(r => r.Status == HttpStatusCode.TooManyRequests);
        Assert.True(refused is not null, $"no 429 in {replies.Length} calls at once: {string.Join(", ", replies.Select(r => (int)r.Status))}");
        Assert.True(int.TryParse(refused.Message.Headers.RetryAfter?.ToString(), out var wait) && wait >= 1);
        Assert.Equal(Protobuf, refused.ContentType);
        Assert.Equal(8, OtlpExports.Status(refused.Body).Code);
    }
}

public sealed class TracesTestsOnSqlite(SqliteApp app) : TracesTests(app), IClassFixture<SqliteApp>;

public sealed class TracesTestsOnPostgres(PostgresApp app) : TracesTests(app), IClassFixture<PostgresApp>;
