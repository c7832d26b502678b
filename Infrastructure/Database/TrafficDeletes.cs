using System.Linq.Expressions;
using LinqToDB;
using LinqToDB.Async;

namespace Arkyn.Infrastructure.Database;

public static class TrafficDeletes
{
    /// <summary>
    /// Deletes the selected traffic with its requests and responses; call inside a transaction. The payloads go
    /// first, while the traffic rows still name them (those foreign keys are checked at commit).
    /// </summary>
    public static async Task DeleteTrafficAsync(this Db db, Expression<Func<HttpTrafficRow, bool>> which, CancellationToken ct)
    {
        var selected = db.HttpTraffic.Where(which);
        await db.Requests.Where(q => selected.Any(t => t.RequestId == q.Id)).DeleteAsync(ct);
        await db.Responses.Where(q => selected.Any(t => t.ResponseId == q.Id)).DeleteAsync(ct);
        await selected.DeleteAsync(ct);
    }
}
