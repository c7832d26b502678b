namespace Arkyn.Features.Reading.List;

public sealed class Endpoint(Db db, Timestamps time) : Endpoint<Request, Response>
{
    public override void Configure()
    {
        Get("/http-traffic-record/{trafficSourceId}");
        Description(b => b.Problems(400, 401, 403, 404));
        Summary(s =>
        {
            s.Summary = "Traffic of a source as record views, newest first, filtered; paged by page/pageLimit or by cursor.";
            s.Description = "Every filter is optional; they combine with AND. meta.nextCursor continues after the last row shown.";
        });
    }

    public override async Task HandleAsync(Request r, CancellationToken ct)
    {
        var sourceId = Ids.Normalize(r.TrafficSourceId);
        await db.RequireReadableSourceAsync(sourceId, User.UserId(), ct);
        var paging = (IPagedRequest)r;
        var filtered = r.Apply(db, sourceId);

        int? total = null;
        var ordered = filtered;
        if (Cursor.Decode(r.Cursor) is var (at, id))
            // "createdAt <= at" first: it makes the start of the page an index range, not a filter over every newer row.
            ordered = ordered.Where(t => t.CreatedAt <= at && (t.CreatedAt < at || string.Compare(t.Id, id) < 0));
        else
            total = await filtered.CountAsync(ct);
        var pageQuery = ordered.OrderByDescending(t => t.CreatedAt).ThenByDescending(t => t.Id);
        if (r.Cursor is null) pageQuery = (IOrderedQueryable<HttpTrafficRow>)pageQuery.Skip((paging.PageNumber - 1) * paging.PageSize);
        // One more than a page tells whether there is a next one.
        var page = pageQuery.Take(paging.PageSize + 1);

        var rows = await (from t in page
                          join d in db.Domains on t.DomainId equals d.Id
                          join p in db.Pathnames on t.PathnameId equals p.Id
                          join q in db.Requests on t.RequestId equals q.Id
                          join s in db.Responses on t.ResponseId equals s.Id
                          // Ordered by the database, as the page was cut: its collation decides which id is "last".
                          orderby t.CreatedAt descending, t.Id descending
                          select new RecordView.Rows(t, d.Value, d.Protocol, p.Value, q, s)).ToListAsync(ct);
        var more = rows.Count > paging.PageSize;
        if (more) rows.RemoveAt(rows.Count - 1);
        var last = rows.LastOrDefault()?.Traffic;

        await Send.OkAsync(new Response(
            rows.Select(x => RecordView.From(x, time)).ToList(),
            new Meta(r.Cursor is null ? paging.PageNumber : null, paging.PageSize, total,
                more && last is not null ? Cursor.Encode(last.CreatedAt, last.Id) : null)), ct);
    }
}
