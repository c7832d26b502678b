namespace Arkyn.Features.TrafficSources.Delete;

public sealed class Endpoint(Db db, IngestKeyLookup keys) : Endpoint<Request>
{
    public override void Configure()
    {
        Delete("/traffic-source/{trafficSourceId}");
        Description(b => b.Produces(204).Problems(400, 401, 403, 404));
        Summary(s => s.Summary = "Delete a traffic source with all its domains, pathnames, traffic, requests and responses.");
    }

    public override async Task HandleAsync(Request r, CancellationToken ct)
    {
        var sourceId = Ids.Normalize(r.TrafficSourceId);
        await db.RequireOwnedSourceAsync(sourceId, User.UserId(), ct);

        await using var tx = await db.BeginTransactionAsync(ct);
        await db.DeleteTrafficAsync(t => t.TrafficSourceId == sourceId, ct);
        await db.TrafficSources.Where(s => s.Id == sourceId).DeleteAsync(ct);
        await tx.CommitAsync(ct);
        keys.ForgetSource(sourceId);
        await Send.NoContentAsync(ct);
    }
}
