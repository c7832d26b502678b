using NJsonSchema.Annotations;

namespace Arkyn.Features.Ingest.Batch;

public sealed record Success(int Index, string Id, int Status);

public sealed record Failure(int Index, string? Id, int Status, Dictionary<string, string[]> Errors);

[JsonSchema("BatchResult")]
public sealed record Response(List<Success> Successes, List<Failure> Errors);
