using System.Linq.Expressions;

namespace Arkyn.Infrastructure.Database;

public static class TrafficDeletes
{
    /// <summary>
    /// Deletes the selected traffic with its requests and responses; call inside a transaction. In steps of
    /// <see cref="StepSize"/> rows, each by primary key: "the requests a selected traffic row names" made SQLite scan
    /// every stored request, once per statement, to delete one record.
    /// </summary>
    public static async Task DeleteTrafficAsync(this Db db, Expression<Func<HttpTrafficRow, bool>> which, CancellationToken ct)
    {
        while (await DeleteByKeysAsync(db, db.HttpTraffic.Where(which), StepSize, ct) == StepSize) { }
    }

    const int StepSize = 1000;

    /// <summary>
    /// Deletes the oldest <paramref name="size"/> (at most) of the selected traffic with its requests and responses;
    /// returns how many traffic rows. Call inside a transaction. The ids are read first, so every statement works on
    /// the same rows even while traffic arrives.
    /// </summary>
    public static Task<int> DeleteOldestTrafficAsync(this Db db, Expression<Func<HttpTrafficRow, bool>> which, int size, CancellationToken ct) =>
        DeleteByKeysAsync(db, db.HttpTraffic.Where(which).OrderBy(t => t.CreatedAt).ThenBy(t => t.Id), size, ct);

    /// <summary>
    /// The first <paramref name="size"/> rows of <paramref name="selected"/> with their requests and responses, by primary
    /// key; the payloads go first, while the traffic rows still name them (those foreign keys are checked at commit).
    /// </summary>
    static async Task<int> DeleteByKeysAsync(Db db, IQueryable<HttpTrafficRow> selected, int size, CancellationToken ct)
    {
        var rows = await selected.Select(t => new { t.Id, t.RequestId, t.ResponseId }).Take(size).ToListAsync(ct);
        if (rows.Count == 0) return 0;
        var requestIds = rows.Select(r => r.RequestId).ToList();
        var responseIds = rows.Select(r => r.ResponseId).ToList();
        var ids = rows.Select(r => r.Id).ToList();
        await db.Requests.Where(q => requestIds.Contains(q.Id)).DeleteAsync(ct);
        await db.Responses.Where(q => responseIds.Contains(q.Id)).DeleteAsync(ct);
        await db.HttpTraffic.Where(t => ids.Contains(t.Id)).DeleteAsync(ct);
        return rows.Count;
    }
}
