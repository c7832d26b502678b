namespace Arkyn.Infrastructure.Records;

/// <summary>The record view: the HttpTraffic fields, then its domain, protocol, pathname, request and response.</summary>
public sealed record RecordView(
    string Id, int Status, string Method, string Level, double ElapsedTime, string? TrafficUserId,
    string TrafficSourceId, string DomainId, string PathnameId, string RequestId, string ResponseId, string CreatedAt,
    string Domain, string Protocol, string Pathname, RecordRequestView Request, RecordResponseView Response)
{
    public sealed record Rows(HttpTrafficRow Traffic, string Domain, string Protocol, string Pathname, RequestRow Request, ResponseRow Response);

    public sealed record Payload(RecordRequestView Request, RecordResponseView Response);

    /// <summary>The request and response halves as JSON; a writer reads them before it commits, so nothing can fail after.</summary>
    public static Payload PayloadOf(RequestRow request, ResponseRow response) => new(
        new RecordRequestView(Payloads.Parse(request.Headers)!.Value, Payloads.Parse(request.Body), request.BodyTruncated,
            Payloads.Parse(request.QueryParams)!.Value),
        new RecordResponseView(Payloads.Parse(response.Headers)!.Value, Payloads.Parse(response.Body), response.BodyTruncated));

    public static RecordView From(Rows r, Timestamps time) => From(r, PayloadOf(r.Request, r.Response), time);

    public static RecordView From(Rows r, Payload payload, Timestamps time)
    {
        var t = r.Traffic;
        return new RecordView(t.Id, t.Status, t.Method, t.Level, t.ElapsedTime, t.TrafficUserId,
            t.TrafficSourceId, t.DomainId, t.PathnameId, t.RequestId, t.ResponseId, time.Format(t.CreatedAt),
            r.Domain, r.Protocol, r.Pathname, payload.Request, payload.Response);
    }

    /// <summary>Traffic joined to everything the view shows; filter and page it as needed.</summary>
    public static IQueryable<Rows> Query(Db db) =>
        from t in db.HttpTraffic
        join d in db.Domains on t.DomainId equals d.Id
        join p in db.Pathnames on t.PathnameId equals p.Id
        join q in db.Requests on t.RequestId equals q.Id
        join s in db.Responses on t.ResponseId equals s.Id
        select new Rows(t, d.Value, d.Protocol, p.Value, q, s);

    public static async Task<RecordView?> LoadAsync(Db db, Timestamps time, string sourceId, string id, CancellationToken ct) =>
        await Query(db).Where(r => r.Traffic.Id == id && r.Traffic.TrafficSourceId == sourceId).FirstOrDefaultAsync(ct) is { } rows
            ? From(rows, time) : null;
}
