namespace Arkyn.Features.TrafficSources.List;

public sealed class Endpoint(Db db, Timestamps time) : Endpoint<Request, PageOf<TrafficSourceResponse>>
{
    public override void Configure()
    {
        Get("/traffic-source");
        Description(b => b.Problems(400, 401));
        Summary(s => s.Summary = "Your traffic sources and those shared with you (role OWNER or READ_ONLY), newest first, paged.");
    }

    public override async Task HandleAsync(Request r, CancellationToken ct)
    {
        var userId = User.UserId();
        var page = await (from s in db.TrafficSources
                          from m in db.Members.LeftJoin(m => m.TrafficSourceId == s.Id && m.UserId == userId)
                          where s.UserId == userId || m.UserId == userId
                          orderby s.CreatedAt descending, s.Id descending
                          select new { Source = s, Role = s.UserId == userId ? TrafficSourceResponse.Owner : m.Role })
            .ToPageAsync(r, x => TrafficSourceResponse.From(x.Source, time, x.Role), ct);
        await Send.OkAsync(page, ct);
    }
}
