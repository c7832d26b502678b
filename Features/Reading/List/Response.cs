using NJsonSchema.Annotations;

namespace Arkyn.Features.Reading.List;

/// <summary>page and totalItems are null when paging by cursor (counting every match at each step would make deep pages slow).</summary>
[JsonSchema("RecordPageMeta")]
public sealed record Meta(int? Page, int PageLimit, int? TotalItems, string? NextCursor);

[JsonSchema("RecordPage")]
public sealed record Response(List<RecordView> Data, Meta Meta);
