using Arkyn.Infrastructure.Errors;

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
}
