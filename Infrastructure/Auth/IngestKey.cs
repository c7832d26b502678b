using System.Collections.Concurrent;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using LinqToDB.Data;
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
    Db db, IngestKeyUsage usage, IngestKeyLookup lookup) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var key = IngestKey.BearerToken(Request);
        if (!IngestKey.IsIngestKey(key)) return AuthenticateResult.NoResult();
        var hash = IngestKey.Hash(key!);
        var found = await lookup.FindAsync(db, hash, Context.RequestAborted);
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

/// <summary>
/// Finds an ingest key by its hash. What is found is kept for <see cref="RecheckedCache{TValue}.RecheckAfter"/>: a
/// key revoked on this server fails on its next call, one revoked on another server sharing the database within that
/// time. On SQLite the lookup runs on a few long-lived read connections kept here, each
/// with the statement prepared once: a pooled connection would run PRAGMA foreign_keys on every open and compile the
/// query again (SQLite reads see every committed write at the start of each statement, so nothing is stale).
/// On PostgreSQL it is a plain query on the request's connection.
/// </summary>
public sealed class IngestKeyLookup(DatabaseSettings settings, DataOptions options, TimeProvider clock) : IDisposable
{
    readonly RecheckedCache<HotQueries.KeyOwner> found = new(clock);

    public ValueTask<HotQueries.KeyOwner?> FindAsync(Db db, string hash, CancellationToken ct) =>
        found.GetAsync(hash, token => LoadAsync(db, hash, token), ct);

    public void ForgetKey(string keyId) => found.ForgetWhere(k => k.Id == keyId);

    public void ForgetSource(string sourceId) => found.ForgetWhere(k => k.TrafficSourceId == sourceId);

    const string Sql = "SELECT k.id, k.traffic_source_id, s.user_id FROM ingest_keys k JOIN traffic_sources s ON s.id = k.traffic_source_id WHERE k.key_hash = @hash";

    readonly ConcurrentBag<Lease> idle = [];
    readonly int maxIdle = Math.Max(4, Environment.ProcessorCount * 4);
    bool disposed;

    async Task<HotQueries.KeyOwner?> LoadAsync(Db db, string hash, CancellationToken ct)
    {
        if (settings.Provider != DatabaseProvider.Sqlite) return await db.IngestKeyByHashAsync(hash, ct);
        if (!idle.TryTake(out var lease)) lease = new Lease(options.ConnectionOptions.ConnectionString!);
        HotQueries.KeyOwner? found;
        try
        {
            found = lease.Find(hash);
        }
        catch
        {
            lease.Dispose();
            throw;
        }
        if (disposed || idle.Count >= maxIdle) lease.Dispose();
        else idle.Add(lease);
        return found;
    }

    public void Dispose()
    {
        disposed = true;
        while (idle.TryTake(out var lease)) lease.Dispose();
    }

    sealed class Lease : IDisposable
    {
        readonly Microsoft.Data.Sqlite.SqliteConnection connection;
        readonly Microsoft.Data.Sqlite.SqliteCommand command;
        readonly Microsoft.Data.Sqlite.SqliteParameter hash;

        public Lease(string connectionString)
        {
            // Its own pool-less connection: it lives as long as the lease.
            connection = new Microsoft.Data.Sqlite.SqliteConnection(
                new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(connectionString) { Pooling = false }.ToString());
            connection.Open();
            command = connection.CreateCommand();
            command.CommandText = Sql;
            hash = command.Parameters.Add("@hash", Microsoft.Data.Sqlite.SqliteType.Text);
            hash.Value = "";
            command.Prepare();
        }

        public HotQueries.KeyOwner? Find(string keyHash)
        {
            hash.Value = keyHash;
            using var reader = command.ExecuteReader();
            return reader.Read()
                ? new HotQueries.KeyOwner { Id = reader.GetString(0), TrafficSourceId = reader.GetString(1), UserId = reader.GetString(2) }
                : null;
        }

        public void Dispose()
        {
            command.Dispose();
            connection.Dispose();
        }
    }
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
        // No route, or the router's own 404/405/415 answer (not a route endpoint): the key gets that answer, not a 403.
        if (http.GetEndpoint() is not RouteEndpoint endpoint) return next(http);
        var allowed = endpoint.Metadata.GetMetadata<IngestKeyAllowed>() is not null;
        var routeSource = http.GetRouteValue("trafficSourceId") as string;
        if (allowed && (routeSource is null || (Guid.TryParse(routeSource, out var id) && id.ToString() == keySource)))
            return next(http);
        return Problem.WriteAsync(http, StatusCodes.Status403Forbidden, allowed
            ? "This ingest key belongs to another traffic source."
            : "An ingest key may only call the write routes of its own traffic source.");
    });
}
