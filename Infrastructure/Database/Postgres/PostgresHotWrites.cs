using System.Data;
using LinqToDB.Data;

namespace Arkyn.Infrastructure.Database.Postgres;

/// <summary>
/// PostgreSQL: each write in as few round trips as it can, on commands kept prepared on the writer's connection
/// (<see cref="HotQueries.CachedCommandAsync"/>): no parse and plan per write. References are checked inside the
/// INSERT … SELECT that stores the row; a batch goes by binary COPY, one round trip per table.
/// </summary>
public sealed class PostgresHotWrites : IHotWrites
{
    /// <summary>
    /// Two: one writer's connection waits on each write's round trip and on every commit's flush, and a second one's
    /// group runs meanwhile. Past two the machine's cores, not the waits, were the limit (bench/README.md).
    /// </summary>
    public int Writers => 2;

    public Task InsertRequestAsync(Db writer, RequestRow row, CancellationToken ct) => InsertAsync(writer, row, ct);

    public Task InsertResponseAsync(Db writer, ResponseRow row, CancellationToken ct) => InsertAsync(writer, row, ct);

    public Task InsertTrafficAsync(Db writer, HttpTrafficRow row, CancellationToken ct) => InsertAsync(writer, row, ct);

    public async Task<bool> InsertTrafficWhenReferencesHoldAsync(Db writer, HttpTrafficRow t, string callerId, string? keyId, CancellationToken ct)
    {
        var traffics = RowInsert<HttpTrafficRow>.Of(writer);
        var (command, fresh) = await writer.CachedCommandAsync(
            insertWhenReferencesHoldSql ??= $"INSERT INTO {traffics.Table} ({traffics.ColumnList}) SELECT {traffics.Values("t_")} WHERE {ReferencesHold}", ct);
        traffics.BindOrRebind(command, fresh, "t_", 0, t);
        command.Set(fresh, traffics.ParameterCount, "@caller", DbType.String, callerId);
        command.Set(fresh, traffics.ParameterCount + 1, "@key", DbType.String, keyId);
        if (fresh) command.Prepare();
        return await command.ExecuteNonQueryAsync(ct) == 1;
    }

    /// <summary>The three rows in one command, one round trip; the traffic row's domain and pathname are verified inside its INSERT … SELECT.</summary>
    public async Task<bool> InsertRecordAsync(Db writer, RequestRow request, ResponseRow response, HttpTrafficRow traffic, bool verifyIds, CancellationToken ct)
    {
        var requests = RowInsert<RequestRow>.Of(writer);
        var responses = RowInsert<ResponseRow>.Of(writer);
        var traffics = RowInsert<HttpTrafficRow>.Of(writer);
        var (command, fresh) = await writer.CachedCommandAsync(insertRecordSql ??=
            requests.InsertSql("q_") + ";\n" + responses.InsertSql("r_") + ";\n" +
            $"INSERT INTO {traffics.Table} ({traffics.ColumnList}) SELECT {traffics.Values("t_")} " +
            "WHERE EXISTS (SELECT 1 FROM domains WHERE id = @t_domain_id) AND EXISTS (SELECT 1 FROM pathnames WHERE id = @t_pathname_id)", ct);
        requests.BindOrRebind(command, fresh, "q_", 0, request);
        responses.BindOrRebind(command, fresh, "r_", requests.ParameterCount, response);
        traffics.BindOrRebind(command, fresh, "t_", requests.ParameterCount + responses.ParameterCount, traffic);
        if (fresh) command.Prepare();
        return await command.ExecuteNonQueryAsync(ct) == 3;
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

    static async Task InsertAsync<T>(Db writer, T row, CancellationToken ct) where T : class
    {
        var insert = RowInsert<T>.Of(writer);
        var (command, fresh) = await writer.CachedCommandAsync(insert.Sql, ct);
        insert.BindOrRebind(command, fresh, "", 0, row);
        if (fresh) command.Prepare();
        await command.ExecuteNonQueryAsync(ct);
    }

    static string? insertWhenReferencesHoldSql;
    static string? insertRecordSql;

    /// <summary>The references of the row (parameters named as <see cref="RowInsert{T}"/> names them, prefix t_) hold for the caller.</summary>
    const string ReferencesHold = """
        EXISTS (SELECT 1 FROM traffic_sources s WHERE s.id = @t_traffic_source_id AND s.user_id = @caller)
        AND EXISTS (SELECT 1 FROM domains d WHERE d.id = @t_domain_id AND d.traffic_source_id = @t_traffic_source_id)
        AND EXISTS (SELECT 1 FROM pathnames p WHERE p.id = @t_pathname_id AND p.domain_id = @t_domain_id
                    AND p.traffic_source_id = @t_traffic_source_id)
        AND EXISTS (SELECT 1 FROM requests q WHERE q.id = @t_request_id AND q.user_id = @caller
                    AND (q.ingest_key_id = @key OR (q.ingest_key_id IS NULL AND @key IS NULL)))
        AND EXISTS (SELECT 1 FROM responses r WHERE r.id = @t_response_id AND r.user_id = @caller
                    AND (r.ingest_key_id = @key OR (r.ingest_key_id IS NULL AND @key IS NULL)))
        """;
}
