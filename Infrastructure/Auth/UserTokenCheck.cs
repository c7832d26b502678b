using Arkyn.Infrastructure.Database;

namespace Arkyn.Infrastructure.Auth;

/// <summary>
/// Whether the user of a validly signed token still exists, looked up at most once per
/// <see cref="RecheckedCache{TValue}.RecheckAfter"/> per user rather than on every request.
/// </summary>
public sealed class UserTokenCheck(TimeProvider clock)
{
    static readonly object Exists = new();
    readonly RecheckedCache<object> users = new(clock);

    public async ValueTask<bool> UserExistsAsync(Db db, string userId, CancellationToken ct) =>
        await users.GetAsync(userId, async token => await db.UserExistsAsync(userId, token) ? Exists : null, ct) is not null;
}
