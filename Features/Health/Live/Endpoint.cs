using NJsonSchema.Annotations;

namespace Arkyn.Features.Health.Live;

public sealed class Endpoint : EndpointWithoutRequest<Response>
{
    public override void Configure()
    {
        Get("/healthz");
        AllowAnonymous();
        Description(b => b.OperationId("getLiveness"));
        Summary(s => s.Summary = "Liveness: the process answers. Touches nothing else.");
    }

    public override Task HandleAsync(CancellationToken ct) => Send.OkAsync(new Response("Healthy"), ct);
}

[JsonSchema("Liveness")]
public sealed record Response(string Status);
