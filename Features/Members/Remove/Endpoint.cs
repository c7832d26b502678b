namespace Arkyn.Features.Members.Remove;

public sealed class Endpoint(Db db) : Endpoint<Request>
{
    public override void Configure()
    {
        Delete("/traffic-source/{trafficSourceId}/members/{userId}");
        Description(b => b.Produces(204).Problems(400, 401, 403, 404));
        Summary(s =>
        {
            s.Summary = "Remove a member (owner only): from the next request on, they cannot read the source.";
            s.Responses[404] = "No traffic source has this id, or this user is not a member of it.";
        });
    }

    public override async Task HandleAsync(Request r, CancellationToken ct)
    {
        var sourceId = Ids.Normalize(r.TrafficSourceId);
        var userId = Ids.Normalize(r.UserId);
        await db.RequireOwnedSourceAsync(sourceId, User.UserId(), ct);
        var removed = await db.Members.Where(m => m.TrafficSourceId == sourceId && m.UserId == userId).DeleteAsync(ct);
        if (removed == 0) Access.NotFound("userId", "This user is not a member of this traffic source.");
        await Send.NoContentAsync(ct);
    }
}
