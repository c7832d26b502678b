using Arkyn.Infrastructure;
using Arkyn.Infrastructure.Database;
using LinqToDB;
using LinqToDB.Async;
using LinqToDB.Data;

namespace Arkyn.Features.HttpTrafficRecords;

public enum WriteOutcome { Created, AlreadyStored, IdTaken }

/// <summary>A validated record turned into the rows it becomes; domain and pathname ids are filled in when stored.</summary>
public sealed record PreparedRecord(HttpTrafficRow Traffic, RequestRow Request, ResponseRow Response, string Domain, string Protocol, string Pathname, bool ClientChoseId)
{
    public RecordView.Rows Rows => new(Traffic, Domain, Protocol, Pathname, Request, Response);

    /// <summary>The template of the pathname when it is created, when the sender knows its route (OTLP's http.route); else derived from the pathname.</summary>
    public string? PathnameTemplate { get; init; }
}

/// <summary>
/// Stores records: each all or nothing (domain and pathname found or created, request, response, traffic in one
/// transaction), idempotent by the client's id, and many of them per transaction for batches.
/// </summary>
public sealed class RecordWriter(Db db, GroupCommit commits, Payloads payloads, Timestamps time, KnownTrafficIds knownIds)
{
    public PreparedRecord Prepare(string sourceId, string userId, string? keyId, RecordInput r)
    {
        var (host, scheme) = RecordInput.ParseDomainUrl(r.DomainUrl)!.Value;
        var createdAt = RecordInput.ParseTimestamp(r.Timestamp)?.ToUnixTimeMilliseconds() ?? time.Now();
        var (requestBody, requestTruncated) = payloads.Body(r.RequestBody);
        var (responseBody, responseTruncated) = payloads.Body(r.ResponseBody);
        var request = new RequestRow
        {
            Id = Ids.New(), UserId = userId, IngestKeyId = keyId, CreatedAt = createdAt,
            Headers = payloads.Headers(r.RequestHeaders!.Value), Body = requestBody, BodyTruncated = requestTruncated,
            QueryParams = payloads.QueryParams(r.QueryParams!.Value),
        };
        var response = new ResponseRow
        {
            Id = Ids.New(), UserId = userId, IngestKeyId = keyId, CreatedAt = createdAt,
            Headers = payloads.Headers(r.ResponseHeaders!.Value), Body = responseBody, BodyTruncated = responseTruncated,
        };
        var traffic = new HttpTrafficRow
        {
            Id = r.Id is null ? Ids.New() : Ids.Normalize(r.Id),
            TrafficSourceId = sourceId, DomainId = "", PathnameId = "", RequestId = request.Id, ResponseId = response.Id,
            Status = r.Status!.Value, Method = r.Method!.Trim().ToUpperInvariant(), Level = Traffic.Level(r.Status.Value),
            ElapsedTime = r.ElapsedTime!.Value, TrafficUserId = r.TrafficUserId, CreatedAt = createdAt,
        };
        var protocol = r.Protocol?.Trim().ToUpperInvariant() ?? scheme;
        return new PreparedRecord(traffic, request, response, host, protocol, r.PathnameUrl!, r.Id is not null);
    }

    /// <summary>
    /// Stores one record. A client id already stored is not looked up first (that cost a query on every call, for the
    /// rare retry): the insert then fails on the primary key, and only then is the stored record read.
    /// </summary>
    public async Task<(WriteOutcome Outcome, RecordView? View)> WriteOneAsync(PreparedRecord record, CancellationToken ct)
    {
        // Everything that could fail is done before the commit: after it, the answer is only put together.
        var payload = RecordView.PayloadOf(record.Request, record.Response);
        try
        {
            await commits.RunAsync((writer, token) => StoreAsync(writer, [record], token));
            return (WriteOutcome.Created, RecordView.From(record.Rows, payload, time));
        }
        catch (Exception e) when (record.ClientChoseId && DbErrors.IsUniqueViolation(e))
        {
            // A retry of a stored record, or a concurrent retry of the same record that committed first.
            return await StoredAsync(record, ct) ?? (WriteOutcome.IdTaken, null);
        }
    }

    /// <summary>
    /// Stores valid records in one transaction; ids already stored answer AlreadyStored. If a concurrent writer
    /// takes one of the ids meanwhile, the transaction is abandoned and each record is stored on its own.
    /// </summary>
    public async Task<List<WriteOutcome>> WriteManyAsync(IReadOnlyList<PreparedRecord> records, CancellationToken ct)
    {
        var outcomes = new WriteOutcome[records.Count];
        var known = await KnownIdsAsync(records, ct);
        var fresh = new List<int>();
        var seen = new HashSet<string>();
        for (var i = 0; i < records.Count; i++)
        {
            var id = records[i].Traffic.Id;
            var sourceId = records[i].Traffic.TrafficSourceId;
            if (known.TryGetValue(id, out var storedIn))
                outcomes[i] = storedIn == sourceId ? WriteOutcome.AlreadyStored : WriteOutcome.IdTaken;
            else if (!seen.Add(id))
                outcomes[i] = WriteOutcome.AlreadyStored; // repeated within this batch: stored once, by its first occurrence
            else
                fresh.Add(i);
        }
        try
        {
            await commits.RunAsync((writer, token) => StoreAsync(writer, fresh.Select(i => records[i]).ToList(), token));
            foreach (var i in fresh) outcomes[i] = WriteOutcome.Created;
        }
        catch (Exception e) when (DbErrors.IsUniqueViolation(e))
        {
            foreach (var i in fresh) outcomes[i] = (await WriteOneAsync(records[i], ct)).Outcome;
        }
        return [.. outcomes];
    }

    static readonly BulkCopyOptions BinaryCopy = new() { BulkCopyType = BulkCopyType.ProviderSpecific };

    /// <summary>Runs inside a group commit: all of these records are stored, or (the savepoint undone) none.</summary>
    async Task StoreAsync(Db db, IReadOnlyList<PreparedRecord> records, CancellationToken ct)
    {
        if (records.Count == 0) return;
        if (records.Count == 1)
        {
            await StoreOneAsync(db, records[0], ct);
            return;
        }
        var now = time.Now();
        var sourceId = records[0].Traffic.TrafficSourceId;
        var domains = new Dictionary<(string, string), string>();
        var pathnames = new Dictionary<(string, string), string>();
        foreach (var r in records)
        {
            if (!domains.TryGetValue((r.Domain, r.Protocol), out var domainId))
                domains[(r.Domain, r.Protocol)] = domainId = (await db.DomainAsync(sourceId, r.Domain, r.Protocol, now, ct)).Row.Id;
            if (!pathnames.TryGetValue((domainId, r.Pathname), out var pathnameId))
            {
                pathnames[(domainId, r.Pathname)] = pathnameId = (await db.PathnameAsync(sourceId, domainId, r.Pathname, now, ct, r.PathnameTemplate)).Row.Id;
                knownIds.Remember(sourceId, r.Domain, r.Protocol, domainId, r.Pathname, pathnameId);
            }
            r.Traffic.DomainId = domainId;
            r.Traffic.PathnameId = pathnameId;
        }
        if (db.IsSqlite())
        {
            // SQLite: one prepared statement per table, executed per row (no round trips; no SQL text built per row).
            await RowInsert<RequestRow>.Of(db).InsertEachAsync(db, records.Select(r => r.Request).ToList(), ct);
            await RowInsert<ResponseRow>.Of(db).InsertEachAsync(db, records.Select(r => r.Response).ToList(), ct);
            await RowInsert<HttpTrafficRow>.Of(db).InsertEachAsync(db, records.Select(r => r.Traffic).ToList(), ct);
            return;
        }
        // PostgreSQL: binary COPY, one round trip per table. Asked for by name: linq2db's default for PostgreSQL is one
        // INSERT … VALUES of every row, a statement of megabytes for a batch, built on the large-object heap.
        await db.BulkCopyAsync(BinaryCopy, records.Select(r => r.Request), ct);
        await db.BulkCopyAsync(BinaryCopy, records.Select(r => r.Response), ct);
        await db.BulkCopyAsync(BinaryCopy, records.Select(r => r.Traffic), ct);
    }

    /// <summary>
    /// One record: its domain and pathname ids from <see cref="KnownTrafficIds"/> when known, then the request,
    /// response and traffic rows (on PostgreSQL in one command, one round trip). A known id may be stale (its row
    /// deleted, or never committed): it is verified, and when it fails it is forgotten and found or created again.
    /// PostgreSQL verifies inside the traffic INSERT … SELECT. SQLite verifies with a SELECT first and then runs plain
    /// one-row inserts: it would run an INSERT … SELECT with a statement journal, copying every page the row touches
    /// (see the HttpTraffic create endpoint). The writer holds SQLite's write lock, so the ids cannot go in between.
    /// </summary>
    async Task StoreOneAsync(Db db, PreparedRecord r, CancellationToken ct)
    {
        var traffic = r.Traffic;
        var sourceId = traffic.TrafficSourceId;
        var sqlite = db.IsSqlite();
        var known = knownIds.TryGet(sourceId, r.Domain, r.Protocol, r.Pathname, out var domainId, out var pathnameId);
        if (known && sqlite && !await BothExistAsync(db, domainId, pathnameId, ct))
        {
            knownIds.Forget(sourceId, r.Domain, r.Protocol, domainId, r.Pathname);
            known = false;
        }
        if (!known) (domainId, pathnameId) = await FindOrCreateAsync(db, r, ct);
        traffic.DomainId = domainId;
        traffic.PathnameId = pathnameId;

        var requests = RowInsert<RequestRow>.Of(db);
        var responses = RowInsert<ResponseRow>.Of(db);
        var traffics = RowInsert<HttpTrafficRow>.Of(db);
        if (sqlite)
        {
            await requests.InsertOneAsync(db, r.Request, ct);
            await responses.InsertOneAsync(db, r.Response, ct);
            await traffics.InsertOneAsync(db, traffic, ct);
            return;
        }
        var (command, fresh) = await db.CachedCommandAsync(
            requests.InsertSql("q_") + ";\n" + responses.InsertSql("r_") + ";\n" +
            $"INSERT INTO {traffics.Table} ({traffics.ColumnList}) SELECT {traffics.Values("t_")} " +
            "WHERE EXISTS (SELECT 1 FROM domains WHERE id = @t_domain_id) AND EXISTS (SELECT 1 FROM pathnames WHERE id = @t_pathname_id)", ct);
        requests.BindOrRebind(command, fresh, "q_", 0, r.Request);
        responses.BindOrRebind(command, fresh, "r_", requests.ParameterCount, r.Response);
        traffics.BindOrRebind(command, fresh, "t_", requests.ParameterCount + responses.ParameterCount, traffic);
        if (fresh) command.Prepare();
        if (await command.ExecuteNonQueryAsync(ct) == 3) return;

        knownIds.Forget(sourceId, r.Domain, r.Protocol, domainId, r.Pathname);
        (traffic.DomainId, traffic.PathnameId) = await FindOrCreateAsync(db, r, ct);
        await traffics.InsertOneAsync(db, traffic, ct);
    }

    static async Task<bool> BothExistAsync(Db db, string domainId, string pathnameId, CancellationToken ct)
    {
        var check = await SqliteStatement.OfAsync(db,
            "SELECT CASE WHEN EXISTS (SELECT 1 FROM domains WHERE id = @domain) AND EXISTS (SELECT 1 FROM pathnames WHERE id = @pathname) THEN 1 ELSE 0 END", ct);
        return check.Bind("@domain", domainId).Bind("@pathname", pathnameId).Scalar() == 1;
    }

    async Task<(string DomainId, string PathnameId)> FindOrCreateAsync(Db db, PreparedRecord r, CancellationToken ct)
    {
        var now = time.Now();
        var sourceId = r.Traffic.TrafficSourceId;
        var domainId = (await db.DomainAsync(sourceId, r.Domain, r.Protocol, now, ct)).Row.Id;
        var pathnameId = (await db.PathnameAsync(sourceId, domainId, r.Pathname, now, ct, r.PathnameTemplate)).Row.Id;
        knownIds.Remember(sourceId, r.Domain, r.Protocol, domainId, r.Pathname, pathnameId);
        return (domainId, pathnameId);
    }

    async Task<(WriteOutcome, RecordView?)?> StoredAsync(PreparedRecord record, CancellationToken ct)
    {
        var sourceId = await db.ExecuteAsync<string?>("SELECT traffic_source_id FROM http_traffic WHERE id = @id", ct, HotQueries.Text("id", record.Traffic.Id));
        if (sourceId is null) return null;
        if (sourceId != record.Traffic.TrafficSourceId) return (WriteOutcome.IdTaken, null);
        return (WriteOutcome.AlreadyStored, await RecordView.LoadAsync(db, time, sourceId, record.Traffic.Id, ct));
    }

    async Task<Dictionary<string, string>> KnownIdsAsync(IReadOnlyList<PreparedRecord> records, CancellationToken ct)
    {
        var clientIds = records.Where(r => r.ClientChoseId).Select(r => r.Traffic.Id).Distinct().ToList();
        if (clientIds.Count == 0) return [];
        return await db.TrafficSourcesOfAsync(clientIds, ct);
    }
}
