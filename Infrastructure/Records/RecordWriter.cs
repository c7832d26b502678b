using LinqToDB.Data;

namespace Arkyn.Infrastructure.Records;

/// <summary>
/// Stores records: each all or nothing (domain and pathname found or created, request, response, traffic in one
/// transaction), idempotent by the client's id, and many of them per transaction for batches.
/// </summary>
public sealed class RecordWriter(Db db, GroupCommit commits, IHotWrites writes, Payloads payloads, Timestamps time, KnownTrafficIds knownIds)
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
        await writes.InsertRecordsAsync(db, records.Select(r => r.Request).ToList(), records.Select(r => r.Response).ToList(),
            records.Select(r => r.Traffic).ToList(), ct);
    }

    /// <summary>
    /// One record: its domain and pathname ids from <see cref="KnownTrafficIds"/> when known, then the request,
    /// response and traffic rows (on PostgreSQL three statements sent with the rest of the group's, in one round trip). A known id may be stale (its row
    /// deleted, or never committed): it is verified as the traffic row is stored, and when it fails it is forgotten,
    /// found or created again, and the traffic row stored with the fresh ids.
    /// </summary>
    async Task StoreOneAsync(Db db, PreparedRecord r, CancellationToken ct)
    {
        var traffic = r.Traffic;
        var sourceId = traffic.TrafficSourceId;
        var known = knownIds.TryGet(sourceId, r.Domain, r.Protocol, r.Pathname, out var domainId, out var pathnameId);
        if (!known) (domainId, pathnameId) = await FindOrCreateAsync(db, r, ct);
        traffic.DomainId = domainId;
        traffic.PathnameId = pathnameId;
        if (await writes.InsertRecordAsync(db, r.Request, r.Response, traffic, verifyIds: known, ct)) return;

        knownIds.Forget(sourceId, r.Domain, r.Protocol, domainId, r.Pathname);
        (traffic.DomainId, traffic.PathnameId) = await FindOrCreateAsync(db, r, ct);
        await writes.InsertTrafficAsync(db, traffic, ct);
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
        var id = record.Traffic.Id;
        var sourceId = await db.HttpTraffic.Where(t => t.Id == id).Select(t => t.TrafficSourceId).FirstOrDefaultAsync(ct);
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
