namespace Arkyn.Infrastructure.Database.Sqlite;

/// <summary>
/// SQLite: every statement prepared once on the writer's connection and run through <see cref="SqliteStatement"/>
/// (no SQL compiled per write, no round trips to save). References are checked with a SELECT before a one-row
/// INSERT … VALUES, never inside an INSERT … SELECT: SQLite runs an INSERT … SELECT (a statement that may write many
/// rows) with a statement journal, and inside a group's transaction every index page the row touches was already
/// changed by the group, so each insert first copied about ten pages to that journal, a temporary file past 64 KiB:
/// four times the pages the WAL itself was written. The writer holds SQLite's write lock for the whole transaction,
/// so nothing changes between the check and the insert.
/// </summary>
public sealed class SqliteHotWrites : IHotWrites
{
    /// <summary>SQLite has one write lock: a second writer would only wait for it.</summary>
    public int Writers => 1;

    public async Task<Exception?> RunGroupAsync(Db writer, IReadOnlyList<Func<Task>> writes)
    {
        foreach (var write in writes)
        {
            try
            {
                await write();
            }
            catch (Exception e)
            {
                return e;
            }
        }
        return null;
    }

    public void ForgetStatements(Db writer) => SqliteStatement.Forget(writer);

    public Task InsertRequestAsync(Db writer, RequestRow row, CancellationToken ct) => InsertAsync(writer, row, ct);

    public Task InsertResponseAsync(Db writer, ResponseRow row, CancellationToken ct) => InsertAsync(writer, row, ct);

    public Task InsertTrafficAsync(Db writer, HttpTrafficRow row, CancellationToken ct) => InsertAsync(writer, row, ct);

    public async Task<bool> InsertTrafficWhenReferencesHoldAsync(Db writer, HttpTrafficRow t, string callerId, string? keyId, CancellationToken ct)
    {
        var check = await SqliteStatement.OfAsync(writer, ReferencesHoldSql, ct);
        check.Bind("@source", t.TrafficSourceId).Bind("@domain", t.DomainId).Bind("@pathname", t.PathnameId)
            .Bind("@request", t.RequestId).Bind("@response", t.ResponseId).Bind("@caller", callerId).Bind("@key", keyId);
        if (check.Scalar() == 0) return false;
        await InsertAsync(writer, t, ct);
        return true;
    }

    public async Task<bool> InsertRecordAsync(Db writer, RequestRow request, ResponseRow response, HttpTrafficRow traffic, bool verifyIds, CancellationToken ct)
    {
        await InsertAsync(writer, request, ct);
        await InsertAsync(writer, response, ct);
        if (verifyIds)
        {
            var check = await SqliteStatement.OfAsync(writer, BothExistSql, ct);
            if (check.Bind("@domain", traffic.DomainId).Bind("@pathname", traffic.PathnameId).Scalar() == 0) return false;
        }
        await InsertAsync(writer, traffic, ct);
        return true;
    }

    public async Task InsertRecordsAsync(Db writer, IReadOnlyList<RequestRow> requests, IReadOnlyList<ResponseRow> responses, IReadOnlyList<HttpTrafficRow> traffic, CancellationToken ct)
    {
        // One prepared statement per table, executed per row (no round trips; no SQL text built per row).
        await InsertEachAsync(writer, requests, ct);
        await InsertEachAsync(writer, responses, ct);
        await InsertEachAsync(writer, traffic, ct);
    }

    static async Task InsertAsync<T>(Db writer, T row, CancellationToken ct) where T : class
    {
        var insert = RowInsert<T>.Of(writer);
        Bind(insert, await SqliteStatement.OfAsync(writer, insert.Sql, ct), row).Execute();
    }

    static async Task InsertEachAsync<T>(Db writer, IReadOnlyList<T> rows, CancellationToken ct) where T : class
    {
        if (rows.Count == 0) return;
        var insert = RowInsert<T>.Of(writer);
        var statement = await SqliteStatement.OfAsync(writer, insert.Sql, ct);
        foreach (var row in rows) Bind(insert, statement, row).Execute();
    }

    static SqliteStatement Bind<T>(RowInsert<T> insert, SqliteStatement statement, T row) where T : class
    {
        for (var i = 0; i < insert.ParameterCount; i++) statement.Bind(i + 1, insert.Value(i, row));
        return statement;
    }

    const string BothExistSql =
        "SELECT CASE WHEN EXISTS (SELECT 1 FROM domains WHERE id = @domain) AND EXISTS (SELECT 1 FROM pathnames WHERE id = @pathname) THEN 1 ELSE 0 END";

    const string ReferencesHoldSql = """
        SELECT CASE WHEN
            EXISTS (SELECT 1 FROM traffic_sources s WHERE s.id = @source AND s.user_id = @caller)
            AND EXISTS (SELECT 1 FROM domains d WHERE d.id = @domain AND d.traffic_source_id = @source)
            AND EXISTS (SELECT 1 FROM pathnames p WHERE p.id = @pathname AND p.domain_id = @domain AND p.traffic_source_id = @source)
            AND EXISTS (SELECT 1 FROM requests q WHERE q.id = @request AND q.user_id = @caller
                        AND (q.ingest_key_id = @key OR (q.ingest_key_id IS NULL AND @key IS NULL)))
            AND EXISTS (SELECT 1 FROM responses r WHERE r.id = @response AND r.user_id = @caller
                        AND (r.ingest_key_id = @key OR (r.ingest_key_id IS NULL AND @key IS NULL)))
        THEN 1 ELSE 0 END
        """;
}
