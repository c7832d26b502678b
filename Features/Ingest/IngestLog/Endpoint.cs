namespace Arkyn.Features.Ingest.IngestLog;

/// <summary>
/// The route of Arkyn's own npm client (@arkyn/server): one record per call the application made, stored exactly as
/// POST /http-traffic-record stores it. The client's userToken may be an ingest key of the source or its owner's token.
/// </summary>
public sealed class Endpoint(Db db, RecordWriter writer) : Endpoint<Request, RecordView>
{
    public override void Configure()
    {
        Post("/ingest-log");
        Options(b => b.WithMetadata(IngestKeyAllowed.Instance));
        // The source is in the body, so the ingest-key middleware cannot check it: the handler does, before the record's
        // fields, as the middleware does for routes that name the source in the path.
        DontThrowIfValidationFails();
        Description(b => b.Answers<RecordView>(201, 200).Problems(400, 401, 403, 404, 409, 413, 429));
        Summary(s =>
        {
            s.Summary = "Store one record as the Arkyn npm client (@arkyn/server) sends it: the traffic source in the body, headers and bodies as JSON text.";
            s.Description = "Point the client's logBaseApiUrl at this server and give it an ingest key of the source (or its owner's token) as userToken. " +
                            "Stored exactly as POST /http-traffic-record stores a record.";
            s.Responses[200] = "A record with this id was already stored; it is returned unchanged.";
            s.Responses[201] = "The record was stored.";
            s.Responses[409] = "The id is already used by a record of another traffic source.";
        });
    }

    public override async Task HandleAsync(Request r, CancellationToken ct)
    {
        var sourceId = Ids.IsUuid(r.TrafficSourceId) ? Ids.Normalize(r.TrafficSourceId!) : null;
        var keyId = User.IngestKeyId();
        var keyOfThisSource = sourceId is not null && User.IsIngestKeyOf(sourceId);
        if (keyId is not null && sourceId is not null && !keyOfThisSource)
        {
            ValidationFailures.Clear(); // the 403 says nothing of the record's fields, as the middleware's says nothing
            Access.Forbidden("This ingest key belongs to another traffic source.");
        }
        ThrowIfAnyErrors();

        var userId = User.UserId();
        // An ingest key of this source already proved ownership while it was authenticated: one query fewer per call.
        if (!keyOfThisSource) await db.RequireOwnedSourceAsync(sourceId!, userId, ct);

        var (outcome, view) = await writer.WriteOneAsync(writer.Prepare(sourceId!, userId, keyId, r), ct);
        if (outcome == WriteOutcome.IdTaken)
            ThrowError(x => x.Id!, "This id is already used by another record.", 409);
        await Send.ResponseAsync(view!, outcome == WriteOutcome.Created ? 201 : 200, ct);
    }
}
