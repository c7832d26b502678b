namespace Arkyn.Features.Pathnames.Create;

public sealed class Endpoint(Db db, Timestamps time) : Endpoint<Request, PathnameResponse>
{
    public override void Configure()
    {
        Post("/pathname/{trafficSourceId}/{domainId}");
        Options(b => b.WithMetadata(IngestKeyAllowed.Instance));
        Description(b => b.Answers<PathnameResponse>(201, 200).Problems(400, 401, 403, 404));
        Summary(s =>
        {
            s.Summary = "Find or create a pathname of a domain: 201 when new, 200 with the existing one.";
            s.Responses[200] = "The domain already had this pathname.";
            s.Responses[201] = "The pathname was created.";
            s.Responses[404] = "No such traffic source, or no such domain in it.";
        });
    }

    public override async Task HandleAsync(Request r, CancellationToken ct)
    {
        var sourceId = Ids.Normalize(r.TrafficSourceId);
        var domainId = Ids.Normalize(r.DomainId);
        await db.RequireOwnedSourceAsync(sourceId, User.UserId(), ct);
        if (!await db.Domains.AnyAsync(d => d.Id == domainId && d.TrafficSourceId == sourceId, ct))
            Access.NotFound("domainId", "No domain has this id in this traffic source.");

        var (pathname, created) = await db.PathnameAsync(sourceId, domainId, r.Value!, time.Now(), ct);
        await Send.ResponseAsync(PathnameResponse.From(pathname, time), created ? 201 : 200, ct);
    }
}
