using NJsonSchema.Annotations;

namespace Arkyn.Features.Requests.Create;

[JsonSchema("StoredRequest")]
public sealed record Response(string Id, [property: JsonSchemaType(typeof(Dictionary<string, object>))] JsonElement Headers, JsonElement? Body, bool BodyTruncated, [property: JsonSchemaType(typeof(Dictionary<string, object>))] JsonElement QueryParams, string CreatedAt);
