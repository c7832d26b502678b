using System.Security.Cryptography;
using LinqToDB.Data;
using Microsoft.IdentityModel.Tokens;

namespace Arkyn.Infrastructure.Auth;

/// <summary>
/// The HS256 signing key: Auth:SigningKey when configured, otherwise a random key generated once and kept in the
/// database, so tokens survive restarts and every instance on the same database agrees.
/// </summary>
public sealed class TokenKeys(AuthSettings settings, DataOptions options)
{
    const string SettingKey = "jwt_signing_key";
    SymmetricSecurityKey? key;

    public SymmetricSecurityKey Key => key ?? throw new InvalidOperationException("TokenKeys.InitializeAsync was not called at start-up.");

    public async Task InitializeAsync(CancellationToken ct = default)
    {
        if (settings.SigningKey is not null)
        {
            key = new SymmetricSecurityKey(settings.SigningKey);
            return;
        }
        await using var db = new Db(options);
        var generated = Convert.ToBase64String(RandomNumberGenerator.GetBytes(64));
        // Two instances starting together: the first insert wins and both read the same value back.
        await db.ExecuteAsync("INSERT INTO app_settings (key, value) VALUES (@key, @value) ON CONFLICT (key) DO NOTHING", ct,
            new DataParameter("key", SettingKey), new DataParameter("value", generated));
        var stored = await db.AppSettings.Where(s => s.Key == SettingKey).Select(s => s.Value).FirstAsync(ct);
        key = new SymmetricSecurityKey(Convert.FromBase64String(stored));
    }
}
