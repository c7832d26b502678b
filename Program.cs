using Arkyn.Features.Dashboard;
using FastEndpoints.Swagger;

try
{
    // appsettings.json is read from beside the executable, whatever folder the server is started from.
    var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
    // Quiet per-request framework logs even without appsettings.json: at Information they cost more than the request.
    builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning).AddFilter("LinqToDB", LogLevel.Warning);
    var config = builder.Configuration;
    var database = Settings.Database(config);
    var auth = Settings.Auth(config);
    var api = Settings.Api(config);
    var ingest = IngestSettings.From(config);

    builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = api.MaxRequestBodyBytes);
    builder.WebHost.ConfigureKestrel(k => k.ConfigureEndpointDefaults(KestrelRejections.AsProblems));
    // Kestrel reads up to this much of a body ahead of the application per connection (1 MiB by default): with a hundred
    // agents sending large bodies at once that alone was a hundred MiB of buffers.
    builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBufferSize = 64 * 1024);
    builder.Services
        .AddSingleton(api)
        .AddSingleton(ingest)
        .AddSingleton(BytesInFlight.From(config))
        .AddSingleton<Payloads>()
        .AddSingleton(TimeProvider.System)
        .AddSingleton<Timestamps>()
        .AddSingleton<Microsoft.AspNetCore.Identity.IPasswordHasher<UserRow>, Microsoft.AspNetCore.Identity.PasswordHasher<UserRow>>()
        .AddArkynDatabase(database)
        .AddArkynAuth(auth)
        .AddFastEndpoints()
        .SwaggerDocument(o =>
        {
            o.DocumentSettings = d =>
            {
                d.Title = "Arkyn";
                d.Version = "v1";
                d.Description = "Self-hosted HTTP traffic monitoring API. Authorize with `Bearer <token>` from POST /user/auth.";
                d.SchemaSettings.SchemaNameGenerator = new OpenApiNames.SchemaNames();
                d.SchemaSettings.AlwaysAllowAdditionalObjectProperties = true; // unknown fields are ignored, not refused
                d.MarkNonNullablePropsAsRequired(); // what a response always carries is required: generated clients type it non-null
                d.OperationProcessors.Add(new OpenApiOperations());
                d.DocumentProcessors.Add(new OpenApiDocumentRules());
            };
            o.ShortSchemaNames = false;
            o.AutoTagPathSegmentIndex = 0;
            o.EnableJWTBearerAuth = false;
        });
    builder.Services.AddSingleton<GroupCommit>().AddHostedService(sp => sp.GetRequiredService<GroupCommit>());
    builder.Services.AddSingleton<ChunkedDeletes>();
    builder.Services.AddSingleton(Arkyn.Features.Retention.RetentionSettings.From(config))
        .AddSingleton<Arkyn.Features.Retention.Sweep>().AddHostedService(sp => sp.GetRequiredService<Arkyn.Features.Retention.Sweep>());
    builder.Services.AddRequestDecompression().AddIngestRateLimit(ingest).AddScoped<Arkyn.Infrastructure.Records.RecordWriter>()
        .AddSingleton<Arkyn.Infrastructure.Records.KnownTrafficIds>();
    builder.Services.AddJsonCompression();
    Arkyn.Features.Webhooks.WebhooksSetup.AddWebhooks(builder.Services, config);
    builder.Services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database", tags: ["ready"]);

    var app = builder.Build();
    await app.Services.GetRequiredService<Migrator>().MigrateAsync();
    await app.Services.GetRequiredService<TokenKeys>().InitializeAsync();
    StartupBanner.LogWhenStarted(app, database);

    app.UseJsonCompression();
    app.UseDashboard();
    app.UseProblemResponses()
        .UseQueryRules()
        .UseBodyLimits(api, ingest)
        .UseAuthentication()
        .UseIngestKeyAccess();
    // The limiter only limits ingest keys, and only when Ingest:RateLimit:PermitsPerSecond is set: when it is off, every
    // request would still take a partition lookup (and its lock) for nothing.
    if (ingest.RatePermitsPerSecond > 0) app.UseRateLimiter();
    app.UseAuthorization()
        .UseFastEndpoints(c =>
        {
            c.Serializer.Options.NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.Strict;
            c.Serializer.Options.MaxDepth = Payloads.MaxJsonDepth;
            c.Serializer.Options.Converters.Add(new CleanStringConverter());
            c.Binding.JsonExceptionTransformer = ErrorHandling.JsonFailure;
            c.Errors.GeneralErrorsField = Problem.GeneralErrors;
            c.Errors.ContentType = Problem.ContentType;
            c.Errors.ProducesMetadataType = typeof(Problem);
            c.Errors.ResponseBuilder = Problem.FromFailures;
        })
        .UseSwaggerGen(OpenApiDocumentRules.ServedFromAnyHost);

    await app.RunAsync();
    return 0;
}
catch (StartupException e)
{
    Console.Error.WriteLine($"arkyn: cannot start: {e.Message}");
    return 1;
}

public partial class Program;
