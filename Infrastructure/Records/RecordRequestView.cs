using NJsonSchema.Annotations;

namespace Arkyn.Infrastructure.Records;

public sealed record RecordRequestView([property: JsonSchemaType(typeof(Dictionary<string, object>))] JsonElement Headers, JsonElement? Body, bool BodyTruncated, [property: JsonSchemaType(typeof(Dictionary<string, object>))] JsonElement QueryParams);
