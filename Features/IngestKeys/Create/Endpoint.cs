namespace Arkyn.Features.IngestKeys.Create;

public sealed class Endpoint(Db db, Timestamps time) : Endpoint<Request, Response>
{
    public override void Configure()
    {
        Post("/traffic-source/{trafficSourceId}/ingest-keys");
        Description(b => b.Answers<Response>(201).Problems(400, 401, 403, 404));
        Summary(s => s.Summary = "Create an ingest key for agents of this traffic source. The key is shown only in this response.");
    }

    public override async Task HandleAsync(Request r, CancellationToken ct)
    {
        var sourceId = Ids.Normalize(r.TrafficSourceId);
        await db.RequireOwnedSourceAsync(sourceId, User.UserId(), ct);
        var key = IngestKey.Generate();
        var row = new IngestKeyRow
        {
            Id = Ids.New(),
            TrafficSourceId = sourceId,
            Name = r.Name!.Trim(),
            Prefix = key[..IngestKey.DisplayPrefixLength],
            KeyHash = IngestKey.Hash(key),
            CreatedAt = time.Now(),
        };
        await db.InsertAsync(row, token: ct);
        await Send.ResponseAsync(new Response(row.Id, row.Name, row.Prefix, key, time.Format(row.CreatedAt)), 201, ct);
    }
}
