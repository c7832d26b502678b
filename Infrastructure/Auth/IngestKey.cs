using System.Collections.Concurrent;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Arkyn.Infrastructure.Database;
using Arkyn.Infrastructure.Errors;
using LinqToDB;
using LinqToDB.Async;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Arkyn.Infrastructure.Auth;

/// <summary>Ingest keys: "ak_" and 256 random bits, base64url. Only a SHA-256 hash is stored (the key is high-entropy, so a fast hash is enough).</summary>
public static class IngestKey
{
    public const string Scheme = "IngestKey";
    public const string Prefix = "ak_";
    public const string KeyIdClaim = "ingest_key_id";
    public const string SourceIdClaim = "ingest_source_id";
    public const int DisplayPrefixLength = 10;

    public static string Generate() => Prefix + Base64Url(RandomNumberGenerator.GetBytes(32));

    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    public static bool IsIngestKey(string? bearer) => bearer?.StartsWith(Prefix, StringComparison.Ordinal) == true;

    /// <summary>The token after "Bearer ", or null.</summary>
    public static string? BearerToken(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : null;
    }

    public static string? IngestKeyId(this ClaimsPrincipal user) => user.FindFirstValue(KeyIdClaim);

    /// <summary>
    /// True when the caller authenticated with an ingest key of this very traffic source. Its ownership is then already
    /// proven for this request: the key was looked up joined to its source (the user id claim is that source's owner),
    /// and <see cref="IngestKeyAccess"/> lets a key through only on routes of its own source.
    /// </summary>
    public static bool IsIngestKeyOf(this ClaimsPrincipal user, string sourceId) => user.FindFirstValue(SourceIdClaim) == sourceId;

    static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

/// <summary>Marks an endpoint that an ingest key may call (the write routes of its own traffic source).</summary>
public sealed class IngestKeyAllowed
{
    public static readonly IngestKeyAllowed Instance = new();
}

public sealed class IngestKeyHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    Db db, IngestKeyUsage usage) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var key = IngestKey.BearerToken(Request);
        if (!IngestKey.IsIngestKey(key)) return AuthenticateResult.NoResult();
        var hash = IngestKey.Hash(key!);
        var found = await db.IngestKeyByHashAsync(hash, Context.RequestAborted);
        if (found is null) return AuthenticateResult.Fail("Unknown or revoked ingest key.");

        await usage.TouchAsync(db, found.Id, Context.RequestAborted);
        var identity = new ClaimsIdentity(
            [new Claim(Tokens.UserIdClaim, found.UserId), new Claim(IngestKey.KeyIdClaim, found.Id), new Claim(IngestKey.SourceIdClaim, found.TrafficSourceId)],
            IngestKey.Scheme);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), IngestKey.Scheme));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = "Bearer";
        await Problem.WriteAsync(Context, StatusCodes.Status401Unauthorized, "The ingest key is unknown or revoked.");
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        Problem.WriteAsync(Context, StatusCodes.Status403Forbidden, "An ingest key may not call this route.");
}

/// <summary>Writes a key's lastUsedAt at most once a minute per process, not once per request.</summary>
public sealed class IngestKeyUsage(TimeProvider clock)
{
    static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);
    readonly ConcurrentDictionary<string, DateTimeOffset> lastWritten = new();

    public async Task TouchAsync(Db db, string keyId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (lastWritten.TryGetValue(keyId, out var last) && now - last < Interval) return;
        lastWritten[keyId] = now;
        await db.IngestKeys.Where(k => k.Id == keyId).Set(k => k.LastUsedAt, now.ToUnixTimeMilliseconds()).UpdateAsync(ct);
    }
}

public static class IngestKeyAccess
{
    /// <summary>
    /// A key may call only routes marked <see cref="IngestKeyAllowed"/>, and only for its own traffic source
    /// when the route names one. Everything else it tries is a 403.
    /// </summary>
    public static IApplicationBuilder UseIngestKeyAccess(this IApplicationBuilder app) => app.Use((http, next) =>
    {
        var keySource = http.User.FindFirstValue(IngestKey.SourceIdClaim);
        if (keySource is null) return next(http);
        var endpoint = http.GetEndpoint();
        if (endpoint is null) return next(http);
        var allowed = endpoint.Metadata.GetMetadata<IngestKeyAllowed>() is not null;
        var routeSource = http.GetRouteValue("trafficSourceId") as string;
        if (allowed && (routeSource is null || (Guid.TryParse(routeSource, out var id) && id.ToString() == keySource)))
            return next(http);
        return Problem.WriteAsync(http, StatusCodes.Status403Forbidden, allowed
            ? "This ingest key belongs to another traffic source."
            : "An ingest key may only call the write routes of its own traffic source.");
    });
}
