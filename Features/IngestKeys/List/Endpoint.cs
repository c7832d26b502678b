namespace Arkyn.Features.IngestKeys.List;

public sealed class Endpoint(Db db, Timestamps time) : Endpoint<Request, PageOf<Response>>
{
    public override void Configure()
    {
        Get("/traffic-source/{trafficSourceId}/ingest-keys");
        Description(b => b.Problems(400, 401, 403, 404));
        Summary(s => s.Summary = "The ingest keys of a traffic source (never the keys themselves), newest first. lastUsedAt is updated about once a minute.");
    }

    public override async Task HandleAsync(Request r, CancellationToken ct)
    {
        var sourceId = Ids.Normalize(r.TrafficSourceId);
        await db.RequireOwnedSourceAsync(sourceId, User.UserId(), ct);
        var page = await db.IngestKeys
            .Where(k => k.TrafficSourceId == sourceId)
            .OrderByDescending(k => k.CreatedAt).ThenByDescending(k => k.Id)
            .ToPageAsync(r, k => new Response(k.Id, k.Name, k.Prefix, time.Format(k.CreatedAt),
                k.LastUsedAt is { } used ? time.Format(used) : null), ct);
        await Send.OkAsync(page, ct);
    }
}
