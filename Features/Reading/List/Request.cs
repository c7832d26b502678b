namespace Arkyn.Features.Reading.List;

public sealed class Request : TrafficFilterRequest, IPagedRequest
{
    [QueryParam] public int? Page { get; set; }
    [QueryParam] public int? PageLimit { get; set; }
    /// <summary>Alias of pageLimit.</summary>
    [QueryParam] public int? Limit { get; set; }
    /// <summary>Opaque keyset cursor from meta.nextCursor: stable pages at any depth, even while traffic arrives.</summary>
    [QueryParam] public string? Cursor { get; set; }
}
