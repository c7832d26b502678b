using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Arkyn.Infrastructure.Auth;

public sealed class Tokens(TokenKeys keys, AuthSettings settings, TimeProvider clock)
{
    public const string Issuer = "arkyn";
    public const string Audience = "arkyn";
    public const string UserIdClaim = JwtRegisteredClaimNames.Sub;
    /// <summary>The user's token version when the token was issued; a token without it was issued at version 0.</summary>
    public const string VersionClaim = "tv";

    static readonly JsonWebTokenHandler Handler = new() { SetDefaultTimesOnTokenCreation = false };

    public string Issue(string userId, int tokenVersion)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return Handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            Subject = new ClaimsIdentity([new Claim(UserIdClaim, userId), new Claim(VersionClaim, tokenVersion.ToString(System.Globalization.CultureInfo.InvariantCulture), ClaimValueTypes.Integer32)]),
            IssuedAt = now,
            NotBefore = now,
            Expires = now + settings.TokenLifetime,
            SigningCredentials = new SigningCredentials(keys.Key, SecurityAlgorithms.HmacSha256),
        });
    }

    public TokenValidationParameters ValidationParameters() => new()
    {
        ValidIssuer = Issuer,
        ValidAudience = Audience,
        ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
        IssuerSigningKeyResolver = (_, _, _, _) => [keys.Key],
        RequireExpirationTime = true,
        RequireSignedTokens = true,
        ClockSkew = TimeSpan.FromSeconds(30),
        NameClaimType = UserIdClaim,
    };
}

public static class ClaimsPrincipalExtensions
{
    public static int TokenVersion(this ClaimsPrincipal user) =>
        int.TryParse(user.FindFirstValue(Tokens.VersionClaim), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : 0;

    public static string UserId(this ClaimsPrincipal user) =>
        user.FindFirstValue(Tokens.UserIdClaim) ?? throw new InvalidOperationException("The caller has no user id claim.");
}
