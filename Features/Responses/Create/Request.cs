using NJsonSchema.Annotations;

namespace Arkyn.Features.Responses.Create;

public sealed class Request
{
    /// <summary>The captured response headers, as a JSON object.</summary>
    [JsonSchemaType(typeof(Dictionary<string, object>))] public JsonElement? Headers { get; set; }
    /// <summary>The captured response body: any JSON value, or null.</summary>
    public JsonElement? Body { get; set; }
}
