namespace Arkyn.Features.Domains.Create;

public sealed class Endpoint(Db db, Timestamps time) : Endpoint<Request, DomainResponse>
{
    public override void Configure()
    {
        Post("/domain/{trafficSourceId}");
        Options(b => b.WithMetadata(IngestKeyAllowed.Instance));
        Description(b => b.Answers<DomainResponse>(201, 200).Problems(400, 401, 403, 404));
        Summary(s =>
        {
            s.Summary = "Find or create a domain of a traffic source: 201 when new, 200 with the existing one for the same value and protocol.";
            s.Responses[200] = "The source already had this domain.";
            s.Responses[201] = "The domain was created.";
        });
    }

    public override async Task HandleAsync(Request r, CancellationToken ct)
    {
        var sourceId = Ids.Normalize(r.TrafficSourceId);
        await db.RequireOwnedSourceAsync(sourceId, User.UserId(), ct);
        var value = Traffic.NormalizeHost(r.Value!)!;
        var protocol = r.Protocol!.Trim().ToUpperInvariant();

        var (domain, created) = await db.DomainAsync(sourceId, value, protocol, time.Now(), ct);
        await Send.ResponseAsync(DomainResponse.From(domain, time), created ? 201 : 200, ct);
    }
}
