namespace Arkyn.Features.HttpTraffic.List;

public sealed class Endpoint(Db db, Timestamps time) : Endpoint<Request, PageOf<HttpTrafficResponse>>
{
    public override void Configure()
    {
        Get("/http-traffic/{trafficSourceId}");
        Description(b => b.Problems(400, 401, 403, 404));
        Summary(s => s.Summary = "The HttpTraffic records of a traffic source, newest first, paged.");
    }

    public override async Task HandleAsync(Request r, CancellationToken ct)
    {
        var sourceId = Ids.Normalize(r.TrafficSourceId);
        await db.RequireReadableSourceAsync(sourceId, User.UserId(), ct);
        var page = await db.HttpTraffic
            .Where(t => t.TrafficSourceId == sourceId)
            .OrderByDescending(t => t.CreatedAt).ThenByDescending(t => t.Id)
            .ToPageAsync(r, t => HttpTrafficResponse.From(t, time), ct);
        await Send.OkAsync(page, ct);
    }
}
