using System.Diagnostics;
using System.Text.Json.Serialization;
using FluentValidation.Results;
using Microsoft.AspNetCore.WebUtilities;

namespace Arkyn.Infrastructure.Errors;

/// <summary>The one error shape of every route: RFC 9457 problem details.</summary>
public sealed class Problem
{
    public const string ContentType = "application/problem+json";

    public string Type { get; init; } = "about:blank";
    public required string Title { get; init; }
    public required int Status { get; init; }
    public string? Detail { get; init; }
    public string? Instance { get; init; }
    public string? TraceId { get; init; }

    /// <summary>Present on validation failures only: field name → messages.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Dictionary<string, string[]>? Errors { get; init; }

    public static Problem For(HttpContext http, int status, string? detail, Dictionary<string, string[]>? errors = null) => new()
    {
        Title = ReasonPhrases.GetReasonPhrase(status) is { Length: > 0 } phrase ? phrase : "Error",
        Status = status,
        Detail = detail,
        Instance = http.Request.Path.Value,
        TraceId = Activity.Current?.Id ?? http.TraceIdentifier,
        Errors = errors,
    };

    public static Task WriteAsync(HttpContext http, int status, string? detail, Dictionary<string, string[]>? errors = null)
    {
        http.Response.StatusCode = status;
        if (http.GetEndpoint()?.Metadata.GetMetadata<ErrorBodyFormat>() is { } format && format.AppliesTo(http))
            return format.WriteAsync(http, status, detail ?? ReasonPhrases.GetReasonPhrase(status));
        return http.Response.WriteAsJsonAsync(For(http, status, detail, errors), ProblemJson.Options, ContentType);
    }

    /// <summary>
    /// FastEndpoints' error response builder. Failures tied to a request field become <c>errors</c>;
    /// general ones (ThrowError/AddError without a field) become <c>detail</c>.
    /// </summary>
    public static object FromFailures(List<ValidationFailure> failures, HttpContext http, int status)
    {
        var general = failures.Where(f => IsGeneral(f.PropertyName)).Select(f => f.ErrorMessage).Distinct().ToList();
        var fields = failures.Where(f => !IsGeneral(f.PropertyName))
            .GroupBy(f => FieldName(f.PropertyName))
            .ToDictionary(g => g.Key, g => g.Select(f => f.ErrorMessage).Distinct().ToArray());
        var detail = general.Count > 0 ? string.Join(" ", general)
            : status == StatusCodes.Status400BadRequest ? "One or more fields are invalid."
            : fields.Values.FirstOrDefault()?.FirstOrDefault();
        return For(http, status, detail, fields.Count > 0 ? fields : null);
    }

    static bool IsGeneral(string? propertyName) => string.IsNullOrEmpty(propertyName) || propertyName == GeneralErrors;

    public const string GeneralErrors = "generalErrors";

    /// <summary>camelCase each segment of a property path: "Records[2].DomainUrl" → "records[2].domainUrl".</summary>
    static string FieldName(string propertyName) =>
        string.Join('.', propertyName.Split('.').Select(JsonNamingPolicy.CamelCase.ConvertName));
}

static class ProblemJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
