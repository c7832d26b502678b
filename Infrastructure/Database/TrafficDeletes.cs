using System.Linq.Expressions;

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

    /// <summary>
    /// Deletes the oldest <paramref name="size"/> (at most) of the selected traffic with its requests and responses;
    /// returns how many traffic rows. Call inside a transaction. The ids are read first, so every statement works on
    /// the same rows even while traffic arrives.
    /// </summary>
    public static async Task<int> DeleteOldestTrafficAsync(this Db db, Expression<Func<HttpTrafficRow, bool>> which, int size, CancellationToken ct)
    {
        var ids = await db.HttpTraffic.Where(which).OrderBy(t => t.CreatedAt).ThenBy(t => t.Id).Select(t => t.Id).Take(size).ToListAsync(ct);
        if (ids.Count == 0) return 0;
        await db.DeleteTrafficAsync(t => ids.Contains(t.Id), ct);
        return ids.Count;
    }
}
