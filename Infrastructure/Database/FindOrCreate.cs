using LinqToDB.Data;

namespace Arkyn.Infrastructure.Database;

/// <summary>
/// Domains and pathnames are found or created: a lookup first (the usual case), else an insert that yields to a
/// concurrent one through the unique index (ON CONFLICT DO NOTHING, on both engines), then the row read back.
/// Safe inside a transaction on PostgreSQL, where a failed insert would abort it. Fixed SQL: these run for every
/// ingested record (see <see cref="HotQueries"/> for why not LINQ).
/// </summary>
public static class FindOrCreate
{
    public static async Task<(DomainRow Row, bool Created)> DomainAsync(this Db db, string sourceId, string value, string protocol, long now, CancellationToken ct)
    {
        Task<DomainRow?> FindAsync() => FirstAsync<DomainRow>(db,
            "SELECT id, traffic_source_id, value, protocol, created_at FROM domains WHERE traffic_source_id = @source AND value = @value AND protocol = @protocol",
            ct, HotQueries.Text("source", sourceId), HotQueries.Text("value", value), HotQueries.Text("protocol", protocol));
        if (await FindAsync() is { } existing) return (existing, false);
        var row = new DomainRow { Id = Ids.New(), TrafficSourceId = sourceId, Value = value, Protocol = protocol, CreatedAt = now };
        var inserted = await db.ExecuteAsync(
            "INSERT INTO domains (id, traffic_source_id, value, protocol, created_at) VALUES (@id, @source, @value, @protocol, @at) " +
            "ON CONFLICT (traffic_source_id, value, protocol) DO NOTHING", ct,
            new DataParameter("id", row.Id), new DataParameter("source", sourceId), new DataParameter("value", value),
            new DataParameter("protocol", protocol), new DataParameter("at", now));
        return inserted == 1 ? (row, true) : ((await FindAsync())!, false);
    }

    public static async Task<(PathnameRow Row, bool Created)> PathnameAsync(this Db db, string sourceId, string domainId, string value, long now, CancellationToken ct, string? template = null)
    {
        Task<PathnameRow?> FindAsync() => FirstAsync<PathnameRow>(db,
            "SELECT id, traffic_source_id, domain_id, value, template, created_at FROM pathnames WHERE domain_id = @domain AND value = @value",
            ct, HotQueries.Text("domain", domainId), HotQueries.Text("value", value));
        if (await FindAsync() is { } existing) return (existing, false);
        var row = new PathnameRow
        {
            Id = Ids.New(), TrafficSourceId = sourceId, DomainId = domainId, Value = value, Template = template ?? Traffic.PathTemplate(value), CreatedAt = now,
        };
        var inserted = await db.ExecuteAsync(
            "INSERT INTO pathnames (id, traffic_source_id, domain_id, value, template, created_at) VALUES (@id, @source, @domain, @value, @template, @at) " +
            "ON CONFLICT (domain_id, value) DO NOTHING", ct,
            new DataParameter("id", row.Id), new DataParameter("source", sourceId), new DataParameter("domain", domainId),
            new DataParameter("value", value), new DataParameter("template", row.Template), new DataParameter("at", now));
        return inserted == 1 ? (row, true) : ((await FindAsync())!, false);
    }

    static async Task<T?> FirstAsync<T>(Db db, string sql, CancellationToken ct, params DataParameter[] parameters) where T : class =>
        (await db.QueryToListAsync<T>(sql, ct, parameters)).FirstOrDefault();
}
