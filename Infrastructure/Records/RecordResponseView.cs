using NJsonSchema.Annotations;

namespace Arkyn.Infrastructure.Records;

public sealed record RecordResponseView([property: JsonSchemaType(typeof(Dictionary<string, object>))] JsonElement Headers, JsonElement? Body, bool BodyTruncated);
