using Arkyn.Infrastructure;
using Arkyn.Infrastructure.Auth;
using Arkyn.Infrastructure.Database;
using Arkyn.Infrastructure.Http;
using FastEndpoints;
using LinqToDB;
using LinqToDB.Async;

namespace Arkyn.Features.Domains.Create;

public sealed class Endpoint(Db db, Timestamps time) : Endpoint<Request, DomainResponse>
{
    public override void Configure()
    {
        Post("/domain/{trafficSourceId}");
        Options(b => b.WithMetadata(IngestKeyAllowed.Instance));
        Description(b => b.Produces<DomainResponse>(200, "application/json").Problems(400, 401, 403, 404));
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
        var value = Create.Validator.Normalize(r.Value!)!;
        var protocol = r.Protocol!.Trim().ToUpperInvariant();

        if (await FindAsync(sourceId, value, protocol, ct) is { } existing)
        {
            await Send.OkAsync(DomainResponse.From(existing, time), ct);
            return;
        }
        var domain = new DomainRow { Id = Ids.New(), TrafficSourceId = sourceId, Value = value, Protocol = protocol, CreatedAt = time.Now() };
        try
        {
            await db.InsertAsync(domain, token: ct);
            await Send.ResponseAsync(DomainResponse.From(domain, time), 201, ct);
        }
        catch (Exception e) when (DbErrors.IsUniqueViolation(e))
        {
            // A concurrent call created it first: answer with that one.
            await Send.OkAsync(DomainResponse.From((await FindAsync(sourceId, value, protocol, ct))!, time), ct);
        }
    }

    Task<DomainRow?> FindAsync(string sourceId, string value, string protocol, CancellationToken ct) =>
        db.Domains.FirstOrDefaultAsync(d => d.TrafficSourceId == sourceId && d.Value == value && d.Protocol == protocol, ct);
}
