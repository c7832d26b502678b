using FastEndpoints;
using FluentValidation;
using LinqToDB;
using LinqToDB.Async;

namespace Arkyn.Infrastructure.Http;

/// <summary>?page=1&amp;pageLimit=20 (limit is an alias) on every list route.</summary>
public abstract class PagedRequest
{
    public const int DefaultPageLimit = 20;
    public const int MaxPageLimit = 100;

    [QueryParam] public int? Page { get; set; }
    [QueryParam] public int? PageLimit { get; set; }
    /// <summary>Alias of pageLimit.</summary>
    [QueryParam] public int? Limit { get; set; }

    public int PageNumber => Page ?? 1;
    public int PageSize => PageLimit ?? Limit ?? DefaultPageLimit;
}

public sealed class PagingRules : AbstractValidator<PagedRequest>
{
    public PagingRules()
    {
        RuleFor(r => r.Page).GreaterThanOrEqualTo(1).WithMessage("page must be 1 or more.");
        RuleFor(r => r.PageLimit).InclusiveBetween(1, PagedRequest.MaxPageLimit)
            .WithMessage($"pageLimit must be from 1 to {PagedRequest.MaxPageLimit}.");
        RuleFor(r => r.Limit).InclusiveBetween(1, PagedRequest.MaxPageLimit)
            .WithMessage($"limit must be from 1 to {PagedRequest.MaxPageLimit}.");
    }
}

public sealed record PageMeta(int Page, int PageLimit, int TotalItems);

public sealed record PageOf<T>(List<T> Data, PageMeta Meta);

public static class PagingExtensions
{
    /// <summary>One page of an already ordered query, with the count of everything it selects.</summary>
    public static async Task<PageOf<TOut>> ToPageAsync<TRow, TOut>(this IQueryable<TRow> ordered, PagedRequest request,
        Func<TRow, TOut> map, CancellationToken ct)
    {
        var total = await ordered.CountAsync(ct);
        var rows = await ordered.Skip((request.PageNumber - 1) * request.PageSize).Take(request.PageSize).ToListAsync(ct);
        return new PageOf<TOut>(rows.Select(map).ToList(), new PageMeta(request.PageNumber, request.PageSize, total));
    }
}
