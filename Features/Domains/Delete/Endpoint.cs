namespace Arkyn.Features.Domains.Delete;

public sealed class Endpoint(Db db) : Endpoint<Request>
{
    public override void Configure()
    {
        Delete("/domain/{domainId}");
        Description(b => b.Produces(204).Problems(400, 401, 403, 404));
        Summary(s => s.Summary = "Delete a domain with its pathnames and their traffic (with its requests and responses).");
    }

    public override async Task HandleAsync(Request r, CancellationToken ct)
    {
        var domainId = Ids.Normalize(r.DomainId);
        await db.RequireOwnerAsync(db.Domains.Where(d => d.Id == domainId).Select(d => d.TrafficSourceId), User.UserId(), "domainId", "domain", ct);

        await using var tx = await db.BeginTransactionAsync(ct);
        await db.DeleteTrafficAsync(t => t.DomainId == domainId, ct);
        await db.Domains.Where(d => d.Id == domainId).DeleteAsync(ct);
        await tx.CommitAsync(ct);
        await Send.NoContentAsync(ct);
    }
}
