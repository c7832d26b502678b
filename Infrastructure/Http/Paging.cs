namespace Arkyn.Infrastructure.Http;

/// <summary>?page=1&amp;pageLimit=20 (limit is an alias) on every list route.</summary>
public interface IPagedRequest
{
    public const int DefaultPageLimit = 20;
    public const int MaxPageLimit = 100;
    public const int MaxPage = 10_000_000;

    int? Page { get; }
    int? PageLimit { get; }
    int? Limit { get; }

    int PageNumber => Page ?? 1;
    int PageSize => PageLimit ?? Limit ?? DefaultPageLimit;
}

public abstract class PagedRequest : IPagedRequest
{
    [QueryParam] public int? Page { get; set; }
    [QueryParam] public int? PageLimit { get; set; }
    /// <summary>Alias of pageLimit.</summary>
    [QueryParam] public int? Limit { get; set; }
}

public sealed class PagingRules : AbstractValidator<IPagedRequest>
{
    public PagingRules()
    {
        // Bounded so the row offset (page − 1) × pageLimit stays far inside what the databases accept.
        RuleFor(r => r.Page).InclusiveBetween(1, IPagedRequest.MaxPage).WithMessage($"page must be from 1 to {IPagedRequest.MaxPage}.");
        RuleFor(r => r.PageLimit).InclusiveBetween(1, IPagedRequest.MaxPageLimit)
            .WithMessage($"pageLimit must be from 1 to {IPagedRequest.MaxPageLimit}.");
        RuleFor(r => r.Limit).InclusiveBetween(1, IPagedRequest.MaxPageLimit)
            .WithMessage($"limit must be from 1 to {IPagedRequest.MaxPageLimit}.");
    }
}

public sealed record PageMeta(int Page, int PageLimit, int TotalItems);

public sealed record PageOf<T>(List<T> Data, PageMeta Meta);

public static class PagingExtensions
{
    /// <summary>One page of an already ordered query, with the count of everything it selects.</summary>
    public static async Task<PageOf<TOut>> ToPageAsync<TRow, TOut>(this IQueryable<TRow> ordered, IPagedRequest request,
        Func<TRow, TOut> map, CancellationToken ct)
    {
        var total = await ordered.CountAsync(ct);
        var rows = await ordered.Skip((request.PageNumber - 1) * request.PageSize).Take(request.PageSize).ToListAsync(ct);
        return new PageOf<TOut>(rows.Select(map).ToList(), new PageMeta(request.PageNumber, request.PageSize, total));
    }
}
