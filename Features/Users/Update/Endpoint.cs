namespace Arkyn.Features.Users.Update;

public sealed class Endpoint(Db db, Timestamps time) : Endpoint<Request, UserResponse>
{
    public override void Configure()
    {
        Put("/user/{userId}");
        Description(b => b.Problems(400, 401, 403, 404));
        Summary(s =>
        {
            s.Summary = "Change your own name or UTC offset. Fields left out or null keep their value.";
            s.Responses[403] = "The user is not you.";
            s.Responses[404] = "No such user.";
        });
    }

    public override async Task HandleAsync(Request r, CancellationToken ct)
    {
        var userId = Ids.Normalize(r.UserId);
        await db.RequireSelfAsync(userId, User.UserId(), "You can only change your own account.", ct);

        var update = db.Users.Where(u => u.Id == userId).Set(u => u.UpdatedAt, time.Now());
        if (r.Name is not null) update = update.Set(u => u.Name, r.Name.Trim());
        if (r.Utc is not null) update = update.Set(u => u.Utc, r.Utc.Value);
        await update.UpdateAsync(ct);

        // The token check is a few seconds behind a deletion made elsewhere: the user may be gone by now.
        var user = await db.Users.FirstOrDefaultAsync(u => u.Id == userId, ct);
        if (user is null) ThrowError("The user of this token no longer exists.", 401);
        await Send.OkAsync(UserResponse.From(user!, time), ct);
    }
}
