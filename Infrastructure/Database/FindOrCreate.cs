using LinqToDB;
using LinqToDB.Async;
using LinqToDB.Data;

namespace Arkyn.Infrastructure.Database;

/// <summary>
/// Domains and pathnames are found or created: a lookup first (the usual case), else an insert that yields to a
/// concurrent one through the unique index (ON CONFLICT DO NOTHING, on both engines), then the row read back.
/// Safe inside a transaction on PostgreSQL, where a failed insert would abort it.
/// </summary>
public static class FindOrCreate
{
    public static async Task<(DomainRow Row, bool Created)> DomainAsync(this Db db, string sourceId, string value, string protocol, long now, CancellationToken ct)
    {
        var query = db.Domains.Where(d => d.TrafficSourceId == sourceId && d.Value == value && d.Protocol == protocol);
        if (await query.FirstOrDefaultAsync(ct) is { } existing) return (existing, false);
        var row = new DomainRow { Id = Ids.New(), TrafficSourceId = sourceId, Value = value, Protocol = protocol, CreatedAt = now };
        var inserted = await db.ExecuteAsync(
            "INSERT INTO domains (id, traffic_source_id, value, protocol, created_at) VALUES (@id, @source, @value, @protocol, @at) " +
            "ON CONFLICT (traffic_source_id, value, protocol) DO NOTHING", ct,
            new DataParameter("id", row.Id), new DataParameter("source", sourceId), new DataParameter("value", value),
            new DataParameter("protocol", protocol), new DataParameter("at", now));
        return inserted == 1 ? (row, true) : (await query.FirstAsync(ct), false);
    }

    public static async Task<(PathnameRow Row, bool Created)> PathnameAsync(this Db db, string sourceId, string domainId, string value, long now, CancellationToken ct)
    {
        var query = db.Pathnames.Where(p => p.DomainId == domainId && p.Value == value);
        if (await query.FirstOrDefaultAsync(ct) is { } existing) return (existing, false);
        var row = new PathnameRow
        {
            Id = Ids.New(), TrafficSourceId = sourceId, DomainId = domainId, Value = value, Template = Traffic.PathTemplate(value), CreatedAt = now,
        };
        var inserted = await db.ExecuteAsync(
            "INSERT INTO pathnames (id, traffic_source_id, domain_id, value, template, created_at) VALUES (@id, @source, @domain, @value, @template, @at) " +
            "ON CONFLICT (domain_id, value) DO NOTHING", ct,
            new DataParameter("id", row.Id), new DataParameter("source", sourceId), new DataParameter("domain", domainId),
            new DataParameter("value", value), new DataParameter("template", row.Template), new DataParameter("at", now));
        return inserted == 1 ? (row, true) : (await query.FirstAsync(ct), false);
    }
}
