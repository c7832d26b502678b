using Microsoft.AspNetCore.Identity;

namespace Arkyn.Features.Users.ChangePassword;

public sealed class Endpoint(Db db, Timestamps time, IPasswordHasher<UserRow> hasher, UserTokenCheck tokens) : Endpoint<Request>
{
    public override void Configure()
    {
        Put("/user/{userId}/password");
        Description(b => b.OperationId("changePassword").Produces(204).Problems(400, 401, 403, 404));
        Summary(s =>
        {
            s.Summary = "Change your password. Every token issued before stops working, this one included: sign in again.";
            s.Responses[400] = "Invalid input, or currentPassword is wrong.";
            s.Responses[403] = "The user is not you.";
            s.Responses[404] = "No such user.";
        });
    }

    public override async Task HandleAsync(Request r, CancellationToken ct)
    {
        var userId = Ids.Normalize(r.UserId);
        await db.RequireSelfAsync(userId, User.UserId(), "You can only change your own password.", ct);

        // The token check is a few seconds behind a deletion made elsewhere: the user may be gone by now.
        var user = await db.Users.FirstOrDefaultAsync(u => u.Id == userId, ct);
        if (user is null) ThrowError("The user of this token no longer exists.", 401);
        if (hasher.VerifyHashedPassword(user!, user!.PasswordHash, r.CurrentPassword!) == PasswordVerificationResult.Failed)
            ThrowError(x => x.CurrentPassword!, "currentPassword is wrong.");

        // The version compare makes a concurrent change lose cleanly instead of both raising it once.
        var changed = await db.Users.Where(u => u.Id == userId && u.TokenVersion == user.TokenVersion)
            .Set(u => u.PasswordHash, hasher.HashPassword(user, r.NewPassword!))
            .Set(u => u.TokenVersion, u => u.TokenVersion + 1)
            .Set(u => u.UpdatedAt, time.Now())
            .UpdateAsync(ct);
        if (changed == 0) ThrowError("The password was changed meanwhile; sign in again.", 401);
        tokens.Forget(userId);
        await Send.NoContentAsync(ct);
    }
}
