namespace Arkyn.Features.IngestKeys.Delete;

public sealed class Endpoint(Db db, IngestKeyLookup keys) : Endpoint<Request>
{
    public override void Configure()
    {
        Delete("/ingest-key/{ingestKeyId}");
        Description(b => b.Produces(204).Problems(400, 401, 403, 404));
        Summary(s => s.Summary = "Revoke an ingest key: it stops working at once on this server, and within 2 s on every server sharing the database.");
    }

    public override async Task HandleAsync(Request r, CancellationToken ct)
    {
        var keyId = Ids.Normalize(r.IngestKeyId);
        await db.RequireOwnerAsync(db.IngestKeys.Where(k => k.Id == keyId).Select(k => k.TrafficSourceId), User.UserId(), "ingestKeyId", "ingest key", ct);
        await db.IngestKeys.Where(k => k.Id == keyId).DeleteAsync(ct);
        keys.ForgetKey(keyId);
        await Send.NoContentAsync(ct);
    }
}
