using NJsonSchema.Annotations;

namespace Arkyn.Features.Requests.Create;

public sealed class Request
{
    /// <summary>The captured request headers, as a JSON object.</summary>
    [JsonSchemaType(typeof(Dictionary<string, object>))] public JsonElement? Headers { get; set; }
    /// <summary>The captured request body: any JSON value, or null.</summary>
    public JsonElement? Body { get; set; }
    /// <summary>The query parameters, as a JSON object.</summary>
    [JsonSchemaType(typeof(Dictionary<string, object>))] public JsonElement? QueryParams { get; set; }
}
