using NJsonSchema.Annotations;

namespace Arkyn.Features.IngestKeys.List;

[JsonSchema("IngestKey")]
public sealed record Response(string Id, string Name, string Prefix, string CreatedAt, string? LastUsedAt);
