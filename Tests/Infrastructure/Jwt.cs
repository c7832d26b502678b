using System.Security.Claims;
using System.Text;
using Arkyn.Infrastructure.Auth;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Arkyn.Tests.Infrastructure;

/// <summary>Hand-made tokens, to prove the server refuses the ones it should.</summary>
public static class Jwt
{
    public static string Sign(string userId, string key, DateTime expires) => Sign(userId, new SymmetricSecurityKey(Encoding.UTF8.GetBytes(key)), expires);

    public static string Sign(string userId, SecurityKey key, DateTime expires) => new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
    {
        Issuer = Tokens.Issuer,
        Audience = Tokens.Audience,
        Subject = new ClaimsIdentity([new Claim(Tokens.UserIdClaim, userId)]),
        IssuedAt = expires.AddHours(-1),
        NotBefore = expires.AddHours(-1),
        Expires = expires,
        SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.HmacSha256),
    });

    public static SecurityKey GetSigningKey(this IServiceProvider services) => services.GetRequiredService<TokenKeys>().Key;
}
