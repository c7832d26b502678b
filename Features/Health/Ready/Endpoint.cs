using Microsoft.Extensions.Diagnostics.HealthChecks;
using NJsonSchema.Annotations;

namespace Arkyn.Features.Health.Ready;

public sealed class Endpoint(HealthCheckService health) : EndpointWithoutRequest<Response>
{
    public override void Configure()
    {
        Get("/readyz");
        AllowAnonymous();
        Description(b => b.OperationId("getReadiness").Produces<Response>(503, "application/json"));
        Summary(s => s.Summary = "Readiness: the database answers. 503 when it does not.");
    }

    public override async Task HandleAsync(CancellationToken ct)
    {
        var report = await health.CheckHealthAsync(c => c.Tags.Contains("ready"), ct);
        var response = new Response(report.Status.ToString(),
            report.Entries.ToDictionary(e => e.Key, e => e.Value.Status.ToString()));
        await Send.ResponseAsync(response, report.Status == HealthStatus.Healthy ? 200 : 503, ct);
    }
}

[JsonSchema("Readiness")]
public sealed record Response(string Status, Dictionary<string, string> Checks);
