namespace Arkyn.Features.TrafficSources.Create;

public sealed class Endpoint(Db db, Timestamps time) : Endpoint<Request, TrafficSourceResponse>
{
    public override void Configure()
    {
        Post("/traffic-source");
        Description(b => b.Answers<TrafficSourceResponse>(201).Problems(400, 401, 409));
        Summary(s =>
        {
            s.Summary = "Create a traffic source: one monitored application.";
            s.Responses[409] = "You already have a source with this trafficDomain.";
        });
    }

    public override async Task HandleAsync(Request r, CancellationToken ct)
    {
        var now = time.Now();
        var source = new TrafficSourceRow
        {
            Id = Ids.New(),
            UserId = User.UserId(),
            Name = r.Name!.Trim(),
            TrafficDomain = TrafficSourceRules.NormalizeDomain(r.TrafficDomain!),
            RetentionDays = r.RetentionDays,
            CreatedAt = now,
            UpdatedAt = now,
        };
        try
        {
            await db.InsertAsync(source, token: ct);
        }
        catch (Exception e) when (DbErrors.IsUniqueViolation(e))
        {
            ThrowError(r => r.TrafficDomain, "You already have a traffic source with this trafficDomain.", 409);
        }
        await Send.ResponseAsync(TrafficSourceResponse.From(source, time), 201, ct);
    }
}
