using NJsonSchema.Annotations;

namespace Arkyn.Features.Responses.Create;

[JsonSchema("StoredResponse")]
public sealed record Response(string Id, [property: JsonSchemaType(typeof(Dictionary<string, object>))] JsonElement Headers, JsonElement? Body, bool BodyTruncated, string CreatedAt);
