using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.WebUtilities;
using Namotion.Reflection;
using Newtonsoft.Json.Linq;
using NJsonSchema;
using NSwag;
using NSwag.Generation.AspNetCore;
using NSwag.Generation.Processors;
using NSwag.Generation.Processors.Contexts;

namespace Arkyn.Infrastructure.Http;

/// <summary>
/// Gives every operation its name, tag and security, and the problem responses that come from the pipeline rather
/// than from the endpoint (authentication, ingest key access, body limits, content type, rate limit, 500), so a new
/// route is documented truthfully without repeating them. An endpoint's own codes stay in its Description().
/// </summary>
public sealed class OpenApiOperations : IOperationProcessor
{
    public const string UserToken = "userToken";
    public const string IngestKeyScheme = "ingestKey";

    public bool Process(OperationProcessorContext context)
    {
        var metadata = ((AspNetCoreOperationProcessorContext)context).ApiDescription.ActionDescriptor.EndpointMetadata;
        if (metadata.OfType<EndpointDefinition>().SingleOrDefault() is not { } endpoint) return true;
        var operation = context.OperationDescription.Operation;
        var method = context.OperationDescription.Method;
        var path = context.OperationDescription.Path;

        operation.OperationId = metadata.OfType<OperationIdMetadata>().LastOrDefault()?.OperationId ?? OpenApiNames.OperationId(endpoint.EndpointType);
        // An endpoint's second route is another spelling of its first (POST /http-traffic-records, upstream's plural).
        if (endpoint.Routes.Length > 1 && !SameRoute(endpoint.Routes[0], path))
        {
            operation.OperationId += "Alias";
            operation.Summary = $"Another spelling of {method.ToUpperInvariant()} /{endpoint.Routes[0].TrimStart('/')}, the same route.";
        }
        // FastEndpoints' own "|verb:route|version|" tag is read and removed by its document processor: keep it.
        var internalTags = operation.Tags.Where(t => t.StartsWith('|')).ToList();
        operation.Tags.Clear();
        operation.Tags.Add(OpenApiNames.Tag(endpoint.EndpointType));
        operation.Tags.AddRange(internalTags);

        var anonymous = metadata.OfType<IAllowAnonymous>().Any();
        var keyAllowed = metadata.OfType<IngestKeyAllowed>().Any();
        operation.Security = anonymous ? [new OpenApiSecurityRequirement()]
            : keyAllowed ? [Requirement(UserToken), Requirement(IngestKeyScheme)]
            : [Requirement(UserToken)];

        var hasBody = operation.RequestBody is not null;
        if (!anonymous)
        {
            Add(context, 400, "Missing authentication token, or invalid input (the fields are named in errors).");
            Add(context, 401, "The token is invalid or expired, or its user no longer exists.");
        }
        else if (hasBody || operation.Parameters.Count > 0)
            Add(context, 400, "Invalid input: the fields are named in errors.");
        if (!keyAllowed)
            Add(context, 403, operation.Responses.ContainsKey("403")
                ? "The resource belongs to another user, or the caller is an ingest key, which may not call this route."
                : "An ingest key may not call this route.");
        else if (path.Contains("{trafficSourceId}", StringComparison.Ordinal))
            Add(context, 403, "The traffic source belongs to another user, or the ingest key to another traffic source.");
        if (hasBody)
        {
            Add(context, 413, "The request body is over the configured limit.");
            Add(context, 415, "The body is not sent as application/json.");
        }
        if (keyAllowed)
            Add(context, 429, "The ingest key is over its rate limit (Ingest:RateLimit); see Retry-After.");
        if (keyAllowed && hasBody)
            Add(context, 503, "The ingest routes already hold Ingest:MaxBytesInFlight of request bodies; retry after Retry-After.");
        Add(context, 500, "An unexpected error; quote the traceId when reporting it.");

        // FastEndpoints puts the request example on the shared schema; it belongs to this operation's body.
        foreach (var media in operation.RequestBody?.Content.Values ?? [])
            if (media.Schema?.ActualSchema is { Example: { } example } schema)
            {
                media.Example ??= example;
                schema.Example = null;
            }

        // An error answer with a body of its own (the 503 of /readyz) keeps it; every other one is a problem.
        foreach (var (code, response) in operation.Responses)
            if (int.TryParse(code, out var status) && status >= 400 && response.Content.Keys.All(type => type == Problem.ContentType))
                MakeProblem(context, status, response);
        return true;
    }

    static bool SameRoute(string route, string path) => string.Equals("/" + route.TrimStart('/'), path, StringComparison.OrdinalIgnoreCase);

    static OpenApiSecurityRequirement Requirement(string scheme) => new() { [scheme] = [] };

    static void Add(OperationProcessorContext context, int status, string description)
    {
        var responses = context.OperationDescription.Operation.Responses;
        var key = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        // A code the endpoint listed without saying why (the framework's reason phrase) gets the pipeline's reason.
        if (!responses.TryGetValue(key, out var response)) responses[key] = new OpenApiResponse { Description = description };
        else if (string.IsNullOrEmpty(response.Description) || response.Description == ReasonPhrases.GetReasonPhrase(status)) response.Description = description;
    }

    /// <summary>Every error answer is application/problem+json with the Problem schema, and an example of its status.</summary>
    static void MakeProblem(OperationProcessorContext context, int status, OpenApiResponse response)
    {
        var schema = context.SchemaGenerator.GenerateWithReferenceAndNullability<JsonSchema>(typeof(Problem).ToContextualType(), false, context.SchemaResolver);
        var example = response.Content.Values.FirstOrDefault()?.Example ?? ProblemExample(status, context.OperationDescription.Path, response.Description);
        response.Content.Clear();
        response.Content[Problem.ContentType] = new OpenApiMediaType { Schema = schema, Example = example };
    }

    /// <summary>A problem of this status; its detail is the response's description when the endpoint gave one.</summary>
    static JObject ProblemExample(int status, string path, string? description)
    {
        var example = new JObject
        {
            ["type"] = "about:blank",
            ["title"] = ReasonPhrases.GetReasonPhrase(status),
            ["status"] = status,
            ["detail"] = status is 403 or 404 or 409 && description is { Length: > 0 } && description != ReasonPhrases.GetReasonPhrase(status) ? description : status switch
            {
                400 => "One or more fields are invalid.",
                401 => "The token is invalid, expired, or its user no longer exists.",
                403 => "You do not have permission for this action.",
                404 => "No traffic source has this id.",
                409 => "This value is already taken.",
                413 => "The request body is larger than 1048576 bytes.",
                415 => "Send the body as application/json.",
                429 => "This ingest key is over its rate limit; retry after 1 s.",
                503 => "The server is reading as many request bodies as it may hold; retry after 1 s.",
                _ => "An unexpected error occurred. Quote the traceId when reporting it.",
            },
            ["instance"] = path,
            ["traceId"] = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        };
        if (status == 400) example["errors"] = new JObject { ["domainId"] = new JArray("domainId is required.") };
        if (status == 404) example["errors"] = new JObject { ["trafficSourceId"] = new JArray("No traffic source has this id.") };
        return example;
    }
}
