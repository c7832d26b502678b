namespace Arkyn.Features.Members.List;

public sealed class Endpoint(Db db, Timestamps time) : Endpoint<Request, PageOf<MemberResponse>>
{
    public override void Configure()
    {
        Get("/traffic-source/{trafficSourceId}/members");
        Description(b => b.Problems(400, 401, 403, 404));
        Summary(s => s.Summary = "The members of a traffic source, newest first, paged (owner only).");
    }

    public override async Task HandleAsync(Request r, CancellationToken ct)
    {
        var sourceId = Ids.Normalize(r.TrafficSourceId);
        await db.RequireOwnedSourceAsync(sourceId, User.UserId(), ct);
        var page = await (from m in db.Members
                          join u in db.Users on m.UserId equals u.Id
                          where m.TrafficSourceId == sourceId
                          orderby m.CreatedAt descending, m.UserId descending
                          select new { m, u.Email, u.Name })
            .ToPageAsync(r, x => new MemberResponse(x.m.UserId, x.Email, x.Name, x.m.Role, time.Format(x.m.CreatedAt)), ct);
        await Send.OkAsync(page, ct);
    }
}
