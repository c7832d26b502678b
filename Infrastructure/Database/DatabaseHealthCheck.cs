using LinqToDB.Data;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Arkyn.Infrastructure.Database;

public sealed class DatabaseHealthCheck(DataOptions options) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        try
        {
            await using var db = new DataConnection(options);
            await db.ExecuteAsync("SELECT 1", ct);
            return HealthCheckResult.Healthy();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("The database does not answer.", e);
        }
    }
}
