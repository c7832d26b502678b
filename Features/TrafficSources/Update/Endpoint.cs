namespace Arkyn.Features.TrafficSources.Update;

public sealed class Endpoint(Db db, Timestamps time) : Endpoint<Request, TrafficSourceResponse>
{
    public override void Configure()
    {
        Put("/traffic-source/{trafficSourceId}");
        Description(b => b.Problems(400, 401, 403, 404, 409));
        Summary(s =>
        {
            s.Summary = "Rename a traffic source, change its trafficDomain or its retentionDays. Fields left out keep their value, and so do a null name or trafficDomain; a null retentionDays means the server default.";
            s.Responses[409] = "You already have another source with this trafficDomain.";
        });
    }

    public override async Task HandleAsync(Request r, CancellationToken ct)
    {
        var sourceId = Ids.Normalize(r.TrafficSourceId);
        await db.RequireOwnedSourceAsync(sourceId, User.UserId(), ct);

        var update = db.TrafficSources.Where(s => s.Id == sourceId).Set(s => s.UpdatedAt, time.Now());
        if (r.Name is not null) update = update.Set(s => s.Name, r.Name.Trim());
        if (r.TrafficDomain is not null) update = update.Set(s => s.TrafficDomain, TrafficSourceRules.NormalizeDomain(r.TrafficDomain));
        if (r.RetentionDaysGiven) update = update.Set(s => s.RetentionDays, r.RetentionDays);
        try
        {
            await update.UpdateAsync(ct);
        }
        catch (Exception e) when (DbErrors.IsUniqueViolation(e))
        {
            ThrowError(r => r.TrafficDomain!, "You already have another traffic source with this trafficDomain.", 409);
        }

        var source = await db.TrafficSources.FirstAsync(s => s.Id == sourceId, ct);
        await Send.OkAsync(TrafficSourceResponse.From(source, time), ct);
    }
}
