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
        var rows = await db.HttpTraffic.Where(which).OrderBy(t => t.CreatedAt).ThenBy(t => t.Id)
            .Select(t => new { t.Id, t.RequestId, t.ResponseId }).Take(size).ToListAsync(ct);
        if (rows.Count == 0) return 0;
        // By primary key: "requests that a selected traffic row names" made SQLite scan every request of the database
        // once per chunk (about a second at a million rows).
        var requestIds = rows.Select(r => r.RequestId).ToList();
        var responseIds = rows.Select(r => r.ResponseId).ToList();
        var ids = rows.Select(r => r.Id).ToList();
        await db.Requests.Where(q => requestIds.Contains(q.Id)).DeleteAsync(ct);
        await db.Responses.Where(q => responseIds.Contains(q.Id)).DeleteAsync(ct);
        await db.HttpTraffic.Where(t => ids.Contains(t.Id)).DeleteAsync(ct);
        return rows.Count;
    }
}
