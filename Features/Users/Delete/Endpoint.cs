namespace Arkyn.Features.Users.Delete;

public sealed class Endpoint(Db db, ChunkedDeletes deletes, UserTokenCheck tokens, ILogger<Endpoint> log) : Endpoint<Request>
{
    public override void Configure()
    {
        Delete("/user/{userId}");
        Description(b => b.Produces(204).Problems(400, 401, 403, 404));
        Summary(s =>
        {
            s.Summary = "Delete your account: your traffic sources with everything under them, your memberships, and every token of yours.";
            s.Responses[403] = "The user is not you.";
            s.Responses[404] = "No such user.";
        });
    }

    public override async Task HandleAsync(Request r, CancellationToken ct)
    {
        var userId = Ids.Normalize(r.UserId);
        await db.RequireSelfAsync(userId, User.UserId(), "You can only delete your own account.", ct);

        // Tokens stop first: nothing new can be made under the account while its data goes, chunk by chunk. The rest
        // runs to the end even if the caller goes away; if the server stops midway, signing in and deleting again
        // finishes it.
        await db.Users.Where(u => u.Id == userId).Set(u => u.TokenVersion, u => u.TokenVersion + 1).UpdateAsync(ct);
        tokens.Forget(userId);
        var sources = await db.TrafficSources.Where(s => s.UserId == userId).Select(s => s.Id).ToListAsync(ct);
        long traffic = 0;
        foreach (var sourceId in sources)
        {
            traffic += await deletes.DeleteTrafficAsync(t => t.TrafficSourceId == sourceId, CancellationToken.None);
            // What ingest keys added meanwhile goes with the source, in the same transaction.
            await deletes.RunAsync(async (writer, token) =>
            {
                await writer.DeleteTrafficAsync(t => t.TrafficSourceId == sourceId, token);
                return await writer.TrafficSources.Where(s => s.Id == sourceId).DeleteAsync(token);
            }, CancellationToken.None);
        }
        // Cascades to the memberships and to the requests and responses never attached to traffic.
        await deletes.RunAsync((writer, token) => writer.Users.Where(u => u.Id == userId).DeleteAsync(token), CancellationToken.None);
        log.LogInformation("Deleted user {UserId}: {Sources} traffic sources, {Traffic} traffic records", userId, sources.Count, traffic);
        await Send.NoContentAsync(CancellationToken.None);
    }
}
