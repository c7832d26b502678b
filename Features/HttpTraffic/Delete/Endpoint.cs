namespace Arkyn.Features.HttpTraffic.Delete;

public sealed class Endpoint(Db db) : Endpoint<Request>
{
    public override void Configure()
    {
        Delete("/http-traffic/{httpTrafficId}");
        Description(b => b.Produces(204).Problems(400, 401, 403, 404));
        Summary(s => s.Summary = "Delete an HttpTraffic record with its request and response.");
    }

    public override async Task HandleAsync(Request r, CancellationToken ct)
    {
        var trafficId = Ids.Normalize(r.HttpTrafficId);
        await db.RequireOwnerAsync(db.HttpTraffic.Where(t => t.Id == trafficId).Select(t => t.TrafficSourceId), User.UserId(), "httpTrafficId", "traffic record", ct);

        await using var tx = await db.BeginTransactionAsync(ct);
        await db.DeleteTrafficAsync(t => t.Id == trafficId, ct);
        await tx.CommitAsync(ct);
        await Send.NoContentAsync(ct);
    }
}
