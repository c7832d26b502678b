namespace Arkyn.Features.Pathnames.Delete;

public sealed class Endpoint(Db db) : Endpoint<Request>
{
    public override void Configure()
    {
        Delete("/pathname/{pathnameId}");
        Description(b => b.Produces(204).Problems(400, 401, 403, 404));
        Summary(s => s.Summary = "Delete a pathname with its traffic (and that traffic's requests and responses).");
    }

    public override async Task HandleAsync(Request r, CancellationToken ct)
    {
        var pathnameId = Ids.Normalize(r.PathnameId);
        await db.RequireOwnerAsync(db.Pathnames.Where(p => p.Id == pathnameId).Select(p => p.TrafficSourceId), User.UserId(), "pathnameId", "pathname", ct);

        await using var tx = await db.BeginTransactionAsync(ct);
        await db.DeleteTrafficAsync(t => t.PathnameId == pathnameId, ct);
        await db.Pathnames.Where(p => p.Id == pathnameId).DeleteAsync(ct);
        await tx.CommitAsync(ct);
        await Send.NoContentAsync(ct);
    }
}
