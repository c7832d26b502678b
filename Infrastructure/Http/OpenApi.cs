namespace Arkyn.Infrastructure.Http;

public static class OpenApi
{
    /// <summary>Documents the problem responses a route can give, so Swagger lists every error code.</summary>
    public static RouteHandlerBuilder Problems(this RouteHandlerBuilder builder, params int[] statusCodes)
    {
        foreach (var code in statusCodes)
            builder.Produces<Problem>(code, Problem.ContentType);
        return builder;
    }

    /// <summary>The success answers of a route, replacing the framework's default 200: e.g. Answers&lt;T&gt;(201, 200).</summary>
    public static RouteHandlerBuilder Answers<T>(this RouteHandlerBuilder builder, params int[] statusCodes)
    {
        builder.ClearDefaultProduces(200);
        foreach (var code in statusCodes)
            builder.Produces<T>(code, "application/json");
        return builder;
    }

    /// <summary>The operation id when the one derived from the slice (verb + area) does not read as a verb phrase.</summary>
    public static RouteHandlerBuilder OperationId(this RouteHandlerBuilder builder, string operationId) =>
        builder.WithMetadata(new OperationIdMetadata(operationId));
}

public sealed record OperationIdMetadata(string OperationId);
