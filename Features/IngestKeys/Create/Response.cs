using NJsonSchema.Annotations;

namespace Arkyn.Features.IngestKeys.Create;

/// <summary>The only time the key itself is shown.</summary>
[JsonSchema("CreatedIngestKey")]
public sealed record Response(string Id, string Name, string Prefix, string Key, string CreatedAt);
