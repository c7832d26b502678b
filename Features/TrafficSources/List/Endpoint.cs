using Arkyn.Infrastructure;
using Arkyn.Infrastructure.Auth;
using Arkyn.Infrastructure.Database;
using Arkyn.Infrastructure.Http;
using FastEndpoints;

namespace Arkyn.Features.TrafficSources.List;

public sealed class Endpoint(Db db, Timestamps time) : Endpoint<Request, PageOf<TrafficSourceResponse>>
{
    public override void Configure()
    {
        Get("/traffic-source");
        Description(b => b.Problems(400, 401));
        Summary(s => s.Summary = "Your traffic sources, newest first, paged.");
    }

    public override async Task HandleAsync(Request r, CancellationToken ct)
    {
        var userId = User.UserId();
        var page = await db.TrafficSources
            .Where(s => s.UserId == userId)
            .OrderByDescending(s => s.CreatedAt).ThenByDescending(s => s.Id)
            .ToPageAsync(r, s => TrafficSourceResponse.From(s, time), ct);
        await Send.OkAsync(page, ct);
    }
}
