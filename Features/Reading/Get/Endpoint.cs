namespace Arkyn.Features.Reading.Get;

public sealed class Endpoint(Db db, Timestamps time) : Endpoint<Request, RecordView>
{
    public override void Configure()
    {
        Get("/http-traffic-record/{trafficSourceId}/{httpTrafficId}");
        Description(b => b.Problems(400, 401, 403, 404));
        Summary(s => s.Summary = "One traffic record with its domain, pathname, request and response.");
    }

    public override async Task HandleAsync(Request r, CancellationToken ct)
    {
        var sourceId = Ids.Normalize(r.TrafficSourceId);
        await db.RequireReadableSourceAsync(sourceId, User.UserId(), ct);
        var view = await RecordView.LoadAsync(db, time, sourceId, Ids.Normalize(r.HttpTrafficId), ct);
        if (view is null) Access.NotFound("httpTrafficId", "No traffic record has this id in this traffic source.");
        await Send.OkAsync(view, ct);
    }
}
