using System.Text.Json;
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
    /// Errors raised outside the endpoints: bodies over the limit, unknown routes, wrong methods and unhandled
    /// exceptions. All answer with the same problem shape; a 500 is logged with the trace id it carries and
    /// says nothing of its cause.
    /// </summary>
    public static WebApplication UseProblemResponses(this WebApplication app, long maxRequestBodyBytes)
    {
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            // A body over the limit is the client's doing, not a server fault worth an error log.
            SuppressDiagnosticsCallback = c => c.Exception is BadHttpRequestException,
            ExceptionHandler = http =>
            {
                var error = http.Features.Get<IExceptionHandlerFeature>()?.Error;
                if (error is BadHttpRequestException bad)
                    return Problem.WriteAsync(http, bad.StatusCode, bad.StatusCode == StatusCodes.Status413PayloadTooLarge
                        ? $"The request body is larger than {maxRequestBodyBytes} bytes." : "The request could not be read.");
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
                415 => "Send the body as application/json.",
                _ => null,
            };
            return Problem.WriteAsync(http, http.Response.StatusCode, detail);
        });
        app.Use((http, next) =>
        {
            // Kestrel enforces the limit while reading; this answers at once when the declared length is over it
            // (and covers hosts such as the test server that do not enforce it).
            if (http.Request.ContentLength > maxRequestBodyBytes)
                return Problem.WriteAsync(http, StatusCodes.Status413PayloadTooLarge, $"The request body is larger than {maxRequestBodyBytes} bytes.");
            if (IsBodyless(http.Request) && http.Request.ContentType is null && http.GetEndpoint() is not null)
                return Problem.WriteAsync(http, StatusCodes.Status400BadRequest, "A JSON request body is required.");
            return next(http);
        });
        return app;
    }

    static bool IsBodyless(HttpRequest request) =>
        (HttpMethods.IsPost(request.Method) || HttpMethods.IsPut(request.Method) || HttpMethods.IsPatch(request.Method))
        && request.ContentLength is null or 0 && !request.Headers.TransferEncoding.Any(v => v?.Contains("chunked") == true);
}
