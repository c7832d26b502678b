using FluentValidation.Results;
using Microsoft.AspNetCore.Diagnostics;

namespace Arkyn.Infrastructure.Errors;

public static class ErrorHandling
{
    /// <summary>Malformed JSON and wrong JSON types are the client's fault: a 400 naming the field, never a 500.</summary>
    public static ValidationFailure JsonFailure(JsonException e)
    {
        var path = e.Path?.TrimStart('$').TrimStart('.');
        return string.IsNullOrEmpty(path)
            ? new ValidationFailure("body", "The request body is not valid JSON.")
            : new ValidationFailure(path, "The value has the wrong JSON type or is not valid JSON.");
    }

    /// <summary>
    /// Errors raised outside the endpoints: bodies that cannot be read, unknown routes, wrong methods and unhandled
    /// exceptions. All answer with the same problem shape; a 500 is logged with the trace id it carries and
    /// says nothing of its cause.
    /// </summary>
    public static WebApplication UseProblemResponses(this WebApplication app)
    {
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            // A body over the limit is the client's doing, not a server fault worth an error log.
            SuppressDiagnosticsCallback = c => c.Exception is BadHttpRequestException,
            ExceptionHandler = http =>
            {
                var error = http.Features.Get<IExceptionHandlerFeature>()?.Error;
                if (error is BadHttpRequestException bad)
                    return Problem.WriteAsync(http, bad.StatusCode, bad.Message);
                var problem = Problem.For(http, StatusCodes.Status500InternalServerError, "An unexpected error occurred. Quote the traceId when reporting it.");
                http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Arkyn.Errors")
                    .LogError(error, "Unhandled error on {Method} {Path}, traceId {TraceId}", http.Request.Method, http.Request.Path, problem.TraceId);
                http.Response.StatusCode = problem.Status;
                return http.Response.WriteAsJsonAsync(problem, ProblemJson.Options, Problem.ContentType);
            },
        });
        app.UseStatusCodePages(context =>
        {
            var http = context.HttpContext;
            var detail = http.Response.StatusCode switch
            {
                404 => $"No route matches {http.Request.Method} {http.Request.Path}.",
                405 => $"{http.Request.Method} is not allowed on {http.Request.Path}.",
                415 => $"Content-Type {http.Request.ContentType} is not accepted here: send the body as application/json.",
                _ => null,
            };
            return Problem.WriteAsync(http, http.Response.StatusCode, detail);
        });
        return app;
    }

}
