namespace Arkyn.Features.Pathnames.List;

public sealed class Endpoint(Db db, Timestamps time) : Endpoint<Request, PageOf<PathnameResponse>>
{
    public override void Configure()
    {
        Get("/pathname/{trafficSourceId}/{domainId}");
        Description(b => b.Problems(400, 401, 403, 404));
        Summary(s => s.Summary = "The pathnames of a domain, newest first, paged.");
    }

    public override async Task HandleAsync(Request r, CancellationToken ct)
    {
        var sourceId = Ids.Normalize(r.TrafficSourceId);
        var domainId = Ids.Normalize(r.DomainId);
        await db.RequireReadableSourceAsync(sourceId, User.UserId(), ct);
        if (!await db.Domains.AnyAsync(d => d.Id == domainId && d.TrafficSourceId == sourceId, ct))
            Access.NotFound("domainId", "No domain has this id in this traffic source.");

        var page = await db.Pathnames
            .Where(p => p.DomainId == domainId)
            .OrderByDescending(p => p.CreatedAt).ThenByDescending(p => p.Id)
            .ToPageAsync(r, p => PathnameResponse.From(p, time), ct);
        await Send.OkAsync(page, ct);
    }
}
