using System.Data;
using LinqToDB.Data;
using Npgsql;

namespace Arkyn.Infrastructure.Database.Postgres;

/// <summary>
/// PostgreSQL: the statements of a whole group of writes in one round trip (<see cref="PostgresWritePipeline"/>),
/// with positional parameters (no SQL rewritten per call) and prepared by Npgsql's automatic preparation on the
/// writer's long-lived connection. References are checked inside the INSERT … SELECT that stores the row; a batch
/// goes by binary COPY, one round trip per table.
/// </summary>
public sealed class PostgresHotWrites : IHotWrites
{
    /// <summary>
    /// Two: one writer's connection waits on each group's round trip and on every commit's flush, and a second one's
    /// group runs meanwhile. Past two the machine's cores, not the waits, were the limit (bench/README.md).
    /// </summary>
    public int Writers => 2;

    public Task<Exception?> RunGroupAsync(Db writer, IReadOnlyList<Func<Task>> writes) => PostgresWritePipeline.RunGroupAsync(writer, writes);

    /// <summary>Nothing to release: Npgsql's prepared statements belong to the physical connection and close with it.</summary>
    public void ForgetStatements(Db writer) { }

    public Task InsertRequestAsync(Db writer, RequestRow row, CancellationToken ct) => PostgresWritePipeline.ExecuteAsync(writer, Insert(writer, row));

    public Task InsertResponseAsync(Db writer, ResponseRow row, CancellationToken ct) => PostgresWritePipeline.ExecuteAsync(writer, Insert(writer, row));

    public Task InsertTrafficAsync(Db writer, HttpTrafficRow row, CancellationToken ct) => PostgresWritePipeline.ExecuteAsync(writer, Insert(writer, row));

    public async Task<bool> InsertTrafficWhenReferencesHoldAsync(Db writer, HttpTrafficRow t, string callerId, string? keyId, CancellationToken ct)
    {
        var traffics = RowInsert<HttpTrafficRow>.Of(writer);
        var statement = new NpgsqlBatchCommand(insertWhenReferencesHoldSql ??= InsertWhenReferencesHoldSql(traffics));
        traffics.BindPositions(statement, t);
        statement.Parameters.Add(Text(callerId));
        statement.Parameters.Add(Text(keyId));
        return await PostgresWritePipeline.ExecuteAsync(writer, statement) == 1;
    }

    /// <summary>The three rows in one round trip; the traffic row's domain and pathname are verified inside its INSERT … SELECT.</summary>
    public async Task<bool> InsertRecordAsync(Db writer, RequestRow request, ResponseRow response, HttpTrafficRow traffic, bool verifyIds, CancellationToken ct)
    {
        var traffics = RowInsert<HttpTrafficRow>.Of(writer);
        var trafficStatement = new NpgsqlBatchCommand(insertWhenIdsExistSql ??=
            $"INSERT INTO {traffics.Table} ({traffics.ColumnList}) SELECT {traffics.Positions} " +
            $"WHERE EXISTS (SELECT 1 FROM domains WHERE id = {traffics.Position("domain_id")}) " +
            $"AND EXISTS (SELECT 1 FROM pathnames WHERE id = {traffics.Position("pathname_id")})");
        traffics.BindPositions(trafficStatement, traffic);
        return await PostgresWritePipeline.ExecuteAsync(writer, Insert(writer, request), Insert(writer, response), trafficStatement) == 3;
    }

    /// <summary>
    /// Binary COPY, one round trip per table. Asked for by name: linq2db's default for PostgreSQL is one
    /// INSERT … VALUES of every row, a statement of megabytes for a batch, built on the large-object heap.
    /// </summary>
    public async Task InsertRecordsAsync(Db writer, IReadOnlyList<RequestRow> requests, IReadOnlyList<ResponseRow> responses, IReadOnlyList<HttpTrafficRow> traffic, CancellationToken ct)
    {
        await writer.BulkCopyAsync(BinaryCopy, requests, ct);
        await writer.BulkCopyAsync(BinaryCopy, responses, ct);
        await writer.BulkCopyAsync(BinaryCopy, traffic, ct);
    }

    static readonly BulkCopyOptions BinaryCopy = new() { BulkCopyType = BulkCopyType.ProviderSpecific };

    static NpgsqlBatchCommand Insert<T>(Db writer, T row) where T : class
    {
        var insert = RowInsert<T>.Of(writer);
        var statement = new NpgsqlBatchCommand(insert.Sql);
        insert.BindPositions(statement, row);
        return statement;
    }

    static NpgsqlParameter Text(string? value) => new() { DbType = DbType.String, Value = value ?? (object)DBNull.Value };

    static string? insertWhenReferencesHoldSql;
    static string? insertWhenIdsExistSql;

    /// <summary>The row's values, stored only when its references hold for the caller ($n+1) and key ($n+2, or null).</summary>
    static string InsertWhenReferencesHoldSql(RowInsert<HttpTrafficRow> t)
    {
        var (source, domain, pathname) = (t.Position("traffic_source_id"), t.Position("domain_id"), t.Position("pathname_id"));
        var (request, response) = (t.Position("request_id"), t.Position("response_id"));
        var (caller, key) = ("$" + (t.ParameterCount + 1), "$" + (t.ParameterCount + 2));
        return $"""
            INSERT INTO {t.Table} ({t.ColumnList}) SELECT {t.Positions}
            WHERE EXISTS (SELECT 1 FROM traffic_sources s WHERE s.id = {source} AND s.user_id = {caller})
            AND EXISTS (SELECT 1 FROM domains d WHERE d.id = {domain} AND d.traffic_source_id = {source})
            AND EXISTS (SELECT 1 FROM pathnames p WHERE p.id = {pathname} AND p.domain_id = {domain} AND p.traffic_source_id = {source})
            AND EXISTS (SELECT 1 FROM requests q WHERE q.id = {request} AND q.user_id = {caller}
                        AND (q.ingest_key_id = {key} OR (q.ingest_key_id IS NULL AND {key} IS NULL)))
            AND EXISTS (SELECT 1 FROM responses r WHERE r.id = {response} AND r.user_id = {caller}
                        AND (r.ingest_key_id = {key} OR (r.ingest_key_id IS NULL AND {key} IS NULL)))
            """;
    }
}
