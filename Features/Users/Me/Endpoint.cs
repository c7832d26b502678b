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
        // The token check is a few seconds behind a deletion made elsewhere: the user may be gone by now.
        var user = await db.UserAsync(userId, ct);
        if (user is null) ThrowError("The user of this token no longer exists.", 401);
        await Send.OkAsync(UserResponse.From(user!, time), ct);
    }
}
