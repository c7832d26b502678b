using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace Arkyn.Infrastructure.Http;

public static class RateLimits
{
    /// <summary>A token bucket per ingest key (Ingest:RateLimit:*, off when PermitsPerSecond is 0). People's tokens are not limited.</summary>
    public static IServiceCollection AddIngestRateLimit(this IServiceCollection services, IngestSettings ingest) =>
        services.AddRateLimiter(o =>
        {
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(http =>
                http.User.IngestKeyId() is { } keyId && ingest.RatePermitsPerSecond > 0
                    ? RateLimitPartition.GetTokenBucketLimiter(keyId, _ => new TokenBucketRateLimiterOptions
                    {
                        TokenLimit = ingest.RateBurst,
                        TokensPerPeriod = ingest.RatePermitsPerSecond,
                        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                        QueueLimit = 0,
                        AutoReplenishment = true,
                    })
                    : RateLimitPartition.GetNoLimiter(""));
            o.OnRejected = (context, _) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)) : 1;
                context.HttpContext.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
                return new ValueTask(Problem.WriteAsync(context.HttpContext, StatusCodes.Status429TooManyRequests,
                    $"This ingest key is over its rate limit; retry after {retryAfter} s."));
            };
        });
}
