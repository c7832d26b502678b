namespace Arkyn.Infrastructure.Errors;

/// <summary>
/// Endpoint metadata of a route whose protocol defines its own error body (OTLP over protobuf answers a
/// google.rpc.Status message). <see cref="Problem.WriteAsync"/> lets it write the errors of requests it applies to,
/// including those that middleware answers before the endpoint runs (401, 403, 413, 429).
/// </summary>
public abstract class ErrorBodyFormat
{
    public abstract bool AppliesTo(HttpContext http);

    /// <summary>Writes the body; the status code is already set.</summary>
    public abstract Task WriteAsync(HttpContext http, int status, string detail);
}
