using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;

namespace Arkyn.Infrastructure.Auth;

public static class AuthSetup
{
    public const string DefaultScheme = "Arkyn";

    public static IServiceCollection AddArkynAuth(this IServiceCollection services, AuthSettings settings)
    {
        services.AddSingleton(settings);
        services.AddSingleton<TokenKeys>();
        services.AddSingleton<Tokens>();
        services.AddSingleton<IngestKeyUsage>();
        services.AddSingleton<IngestKeyLookup>();
        services.AddSingleton<UserTokenCheck>();
        // One default scheme that hands "Bearer ak_…" to the ingest key handler and every other bearer to JWT.
        services.AddAuthentication(DefaultScheme)
            .AddPolicyScheme(DefaultScheme, DefaultScheme, o => o.ForwardDefaultSelector = http =>
                IngestKey.IsIngestKey(IngestKey.BearerToken(http.Request)) ? IngestKey.Scheme : JwtBearerDefaults.AuthenticationScheme)
            .AddJwtBearer()
            .AddScheme<AuthenticationSchemeOptions, IngestKeyHandler>(IngestKey.Scheme, null);
        services.AddSingleton<IConfigureOptions<JwtBearerOptions>, ConfigureJwt>();
        services.AddAuthorization();
        return services;
    }

    sealed class ConfigureJwt(Tokens tokens) : IConfigureNamedOptions<JwtBearerOptions>
    {
        public void Configure(JwtBearerOptions options) => Configure(JwtBearerDefaults.AuthenticationScheme, options);

        public void Configure(string? name, JwtBearerOptions o)
        {
            o.MapInboundClaims = false;
            o.TokenValidationParameters = tokens.ValidationParameters();
            o.Events = new JwtBearerEvents
            {
                OnTokenValidated = async ctx =>
                {
                    // A valid signature is not enough: the token of a deleted user, or one issued before the user's
                    // password changed (a lower token version), must stop working.
                    var userId = ctx.Principal?.FindFirst(Tokens.UserIdClaim)?.Value;
                    var services = ctx.HttpContext.RequestServices;
                    var version = userId is null ? null : await services.GetRequiredService<UserTokenCheck>()
                        .TokenVersionAsync(services.GetRequiredService<Db>(), userId, ctx.HttpContext.RequestAborted);
                    if (version is null || version != ctx.Principal!.TokenVersion())
                        ctx.Fail("The user of this token no longer exists, or its password changed since.");
                },
                OnChallenge = async ctx =>
                {
                    ctx.HandleResponse();
                    var header = ctx.Request.Headers.Authorization.ToString().Trim();
                    var missing = header.Length == 0 || header.Equals("Bearer", StringComparison.OrdinalIgnoreCase);
                    // The published contract answers a missing token with 400 and a bad one with 401.
                    if (missing)
                        await Problem.WriteAsync(ctx.HttpContext, StatusCodes.Status400BadRequest, "Missing authentication token: send Authorization: Bearer <token>.");
                    else
                    {
                        ctx.Response.Headers.WWWAuthenticate = "Bearer";
                        await Problem.WriteAsync(ctx.HttpContext, StatusCodes.Status401Unauthorized, "The token is invalid, expired, or its user no longer exists.");
                    }
                },
                OnForbidden = ctx => Problem.WriteAsync(ctx.HttpContext, StatusCodes.Status403Forbidden, "You do not have permission for this action."),
            };
        }
    }
}
