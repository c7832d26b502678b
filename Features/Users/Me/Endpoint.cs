using Arkyn.Infrastructure;
using Arkyn.Infrastructure.Auth;
using Arkyn.Infrastructure.Database;
using Arkyn.Infrastructure.Http;
using FastEndpoints;
using LinqToDB;
using LinqToDB.Async;

namespace Arkyn.Features.Users.Me;

public sealed class Endpoint(Db db, Timestamps time) : EndpointWithoutRequest<UserResponse>
{
    public override void Configure()
    {
        Get("/user/me");
        Description(b => b.OperationId("getCurrentUser").Problems(400, 401));
        Summary(s => s.Summary = "The authenticated user.");
    }

    public override async Task HandleAsync(CancellationToken ct)
    {
        var userId = User.UserId();
        var user = await db.Users.FirstAsync(u => u.Id == userId, ct);
        await Send.OkAsync(UserResponse.From(user, time), ct);
    }
}
