namespace Arkyn.Features.Domains.List;

public sealed class Endpoint(Db db, Timestamps time) : Endpoint<Request, PageOf<DomainResponse>>
{
    public override void Configure()
    {
        Get("/domain/{trafficSourceId}");
        Description(b => b.Problems(400, 401, 403, 404));
        Summary(s => s.Summary = "The domains of a traffic source, newest first, paged.");
    }

    public override async Task HandleAsync(Request r, CancellationToken ct)
    {
        var sourceId = Ids.Normalize(r.TrafficSourceId);
        await db.RequireReadableSourceAsync(sourceId, User.UserId(), ct);
        var page = await db.Domains
            .Where(d => d.TrafficSourceId == sourceId)
            .OrderByDescending(d => d.CreatedAt).ThenByDescending(d => d.Id)
            .ToPageAsync(r, d => DomainResponse.From(d, time), ct);
        await Send.OkAsync(page, ct);
    }
}
