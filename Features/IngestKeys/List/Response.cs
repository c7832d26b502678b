namespace Arkyn.Features.IngestKeys.List;

public sealed record Response(string Id, string Name, string Prefix, string CreatedAt, string? LastUsedAt);
