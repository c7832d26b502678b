using Arkyn.Infrastructure;
using Arkyn.Infrastructure.Auth;
using Arkyn.Infrastructure.Database;
using Arkyn.Infrastructure.Http;
using FastEndpoints;

namespace Arkyn.Features.HttpTrafficRecords.Create;

public sealed class Endpoint(Db db, RecordWriter writer) : Endpoint<Request, RecordView>
{
    public override void Configure()
    {
        // The plural is the upstream store's spelling of the route.
        Post("/http-traffic-record/{trafficSourceId}", "/http-traffic-records/{trafficSourceId}");
        Options(b => b.WithMetadata(IngestKeyAllowed.Instance));
        Description(b => b.Produces<RecordView>(200, "application/json").Problems(400, 401, 403, 404, 409, 413, 429));
        Summary(s =>
        {
            s.Summary = "Store one complete transaction in one call and one transaction: domain and pathname found or created, request, response and traffic.";
            s.Description = "Send an `id` (UUID) to make retries safe: a record whose id is already stored answers 200 with the stored record.";
            s.Responses[200] = "A record with this id was already stored; it is returned unchanged.";
            s.Responses[201] = "The record was stored.";
            s.Responses[409] = "The id is already used by a record of another traffic source.";
        });
    }

    public override async Task HandleAsync(Request r, CancellationToken ct)
    {
        var sourceId = Ids.Normalize(r.TrafficSourceId);
        var userId = User.UserId();
        // An ingest key of this source already proved ownership while it was authenticated: one query fewer per call.
        if (!User.IsIngestKeyOf(sourceId)) await db.RequireOwnedSourceAsync(sourceId, userId, ct);

        var (outcome, view) = await writer.WriteOneAsync(writer.Prepare(sourceId, userId, User.IngestKeyId(), r), ct);
        if (outcome == WriteOutcome.IdTaken)
            ThrowError(x => x.Id!, "This id is already used by another record.", 409);
        await Send.ResponseAsync(view!, outcome == WriteOutcome.Created ? 201 : 200, ct);
    }
}
