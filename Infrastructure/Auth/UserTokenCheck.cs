namespace Arkyn.Infrastructure.Auth;

/// <summary>
/// The token version of a user (it grows when the password changes; null once the user is deleted), looked up at
/// most once per <see cref="RecheckedCache{TValue}.RecheckAfter"/> per user rather than on every request. A change
/// made through this server is forgotten here at once.
/// </summary>
public sealed class UserTokenCheck(TimeProvider clock)
{
    sealed record Version(int Value);

    readonly RecheckedCache<Version> users = new(clock);

    public async ValueTask<int?> TokenVersionAsync(Db db, string userId, CancellationToken ct) =>
        (await users.GetAsync(userId, async token => await db.UserTokenVersionAsync(userId, token) is { } v ? new Version(v) : null, ct))?.Value;

    public void Forget(string userId) => users.Forget(userId);
}
