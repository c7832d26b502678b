using System.Data;
using Arkyn.Infrastructure;
using Arkyn.Infrastructure.Auth;
using Arkyn.Infrastructure.Database;
using Arkyn.Infrastructure.Http;
using FastEndpoints;
using LinqToDB;
using LinqToDB.Data;
using LinqToDB.Async;

namespace Arkyn.Features.HttpTraffic.Create;

public sealed class Endpoint(Db db, GroupCommit commits, Timestamps time) : Endpoint<Request, HttpTrafficResponse>
{
    public override void Configure()
    {
        Post("/http-traffic/{trafficSourceId}");
        Options(b => b.WithMetadata(IngestKeyAllowed.Instance));
        Description(b => b.Answers<HttpTrafficResponse>(201).Problems(400, 401, 403, 404, 409));
        Summary(s =>
        {
            s.Summary = "Create an HttpTraffic record from a completed transaction and its previously created domain, pathname, request and response.";
            s.Responses[400] = "Invalid input, or missing authentication token.";
            s.Responses[401] = "The token is invalid.";
            s.Responses[403] = "The traffic source belongs to another user.";
            s.Responses[404] = "One of trafficSourceId, domainId, pathnameId, requestId, responseId was not found (in this source, for this owner).";
            s.Responses[409] = "The request or response is already attached to other traffic.";
            // The request and 201 body of the published contract (create-http-traffic.md), as it gives them.
            s.ExampleRequest = new
            {
                status = 201, method = "POST", elapsedTime = 150, trafficUserId = "user-456",
                domainId = "e1f2g3h4-i5j6-7890-1234-567890abcdef", pathnameId = "g1h2i3j4-k5l6-7890-1234-567890abcdef",
                requestId = "i1j2k3l4-m5n6-7890-1234-567890abcdef", responseId = "j1k2l3m4-n5o6-7890-1234-567890abcdef",
            };
            s.ResponseExamples[201] = new
            {
                id = "e1f2g3h4-0dbc-7ee5-a251-d67a4ce4bfe4", status = 200, method = "GET", level = "INFO", elapsedTime = 456,
                trafficUserId = (string?)null, trafficSourceId = "0197548f-0e8e-7550-b283-f26fd98a9423",
                domainId = "e1f2g3h4-0a74-7ee5-a251-b0b4056b9cd3", pathnameId = "e1f2g3h4-0bce-7ee5-a251-bcc902f86bb4",
                requestId = "e1f2g3h4-0c1b-7ee5-a251-c1425617699b", responseId = "e1f2g3h4-0c1c-7ee5-a251-c9b04e69aba9",
                createdAt = "06/11/2025 at 15:27:01",
            };
        });
    }

    public override async Task HandleAsync(Request r, CancellationToken ct)
    {
        var callerId = User.UserId();
        var keyId = User.IngestKeyId();
        var traffic = new HttpTrafficRow
        {
            Id = Ids.New(),
            TrafficSourceId = Ids.Normalize(r.TrafficSourceId),
            DomainId = Ids.Normalize(r.DomainId!),
            PathnameId = Ids.Normalize(r.PathnameId!),
            RequestId = Ids.Normalize(r.RequestId!),
            ResponseId = Ids.Normalize(r.ResponseId!),
            Status = r.Status!.Value,
            Method = r.Method!.Trim().ToUpperInvariant(),
            Level = Traffic.Level(r.Status.Value),
            ElapsedTime = r.ElapsedTime!.Value,
            TrafficUserId = r.TrafficUserId,
            CreatedAt = time.Now(),
        };

        int inserted;
        try
        {
            inserted = await commits.RunAsync((writer, token) => InsertWhenAllReferencesHoldAsync(writer, traffic, callerId, keyId, token));
        }
        catch (Exception e) when (DbErrors.IsUniqueViolation(e))
        {
            ThrowError("The request or response is already attached to other traffic.", 409);
            throw;
        }
        if (inserted == 0) await ExplainRefusalAsync(traffic, callerId, keyId, ct);

        await Send.ResponseAsync(HttpTrafficResponse.From(traffic, time), 201, ct);
    }

    /// <summary>
    /// Stores the row only when the source is the caller's, the domain and pathname are of that source, and the
    /// request and response are the caller's (the user's, or the ingest key's when a key calls); 0 when refused.
    /// The unique indexes on request_id and response_id turn a concurrent second attach into a unique violation.
    /// Fixed SQL on plain ADO.NET commands rather than LINQ: this is the hottest statement of the published route.
    /// <para>
    /// PostgreSQL: one INSERT … SELECT, one round trip. SQLite: the check, then a one-row INSERT … VALUES. SQLite runs an
    /// INSERT … SELECT (a statement that may write many rows) with a statement journal, and inside a group's
    /// transaction every index page the row touches was already changed by the group, so each insert first copied
    /// about ten pages to that journal, a temporary file past 64 KiB: four times the pages the WAL itself was written.
    /// The writer holds SQLite's write lock for the whole transaction, so nothing changes between the two statements.
    /// </para>
    /// </summary>
    static async Task<int> InsertWhenAllReferencesHoldAsync(Db db, HttpTrafficRow t, string callerId, string? keyId, CancellationToken ct)
    {
        var traffics = RowInsert<HttpTrafficRow>.Of(db);
        if (!db.IsSqlite())
        {
            var (command, fresh) = await db.CachedCommandAsync(
                insertWhenHoldSql ??= $"INSERT INTO {traffics.Table} ({traffics.ColumnList}) SELECT {traffics.Values("t_")} WHERE {ReferencesHold}", ct);
            traffics.BindOrRebind(command, fresh, "t_", 0, t);
            command.Set(fresh, traffics.ParameterCount, "@caller", DbType.String, callerId);
            command.Set(fresh, traffics.ParameterCount + 1, "@key", DbType.String, keyId);
            if (fresh) command.Prepare();
            return await command.ExecuteNonQueryAsync(ct);
        }
        var check = await SqliteStatement.OfAsync(db, CheckSql, ct);
        check.Bind("@t_traffic_source_id", t.TrafficSourceId).Bind("@t_domain_id", t.DomainId).Bind("@t_pathname_id", t.PathnameId)
            .Bind("@t_request_id", t.RequestId).Bind("@t_response_id", t.ResponseId).Bind("@caller", callerId).Bind("@key", keyId);
        if (check.Scalar() == 0) return 0;
        return await traffics.InsertOneAsync(db, t, ct);
    }

    static string? insertWhenHoldSql;
    const string CheckSql = $"SELECT CASE WHEN {ReferencesHold} THEN 1 ELSE 0 END";

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

    /// <summary>Only on refusal: find which check failed, in the contract's order (source 404, owner 403, references 404, attached 409).</summary>
    async Task ExplainRefusalAsync(HttpTrafficRow t, string callerId, string? keyId, CancellationToken ct)
    {
        await db.RequireOwnedSourceAsync(t.TrafficSourceId, callerId, ct);
        if (!await db.Domains.AnyAsync(d => d.Id == t.DomainId && d.TrafficSourceId == t.TrafficSourceId, ct))
            Access.NotFound("domainId", "No domain has this id in this traffic source.");
        if (!await db.Pathnames.AnyAsync(p => p.Id == t.PathnameId && p.DomainId == t.DomainId, ct))
            Access.NotFound("pathnameId", "No pathname has this id in this domain.");
        if (!await db.Requests.AnyAsync(q => q.Id == t.RequestId && q.UserId == callerId && q.IngestKeyId == keyId, ct))
            Access.NotFound("requestId", "No request has this id.");
        if (!await db.Responses.AnyAsync(q => q.Id == t.ResponseId && q.UserId == callerId && q.IngestKeyId == keyId, ct))
            Access.NotFound("responseId", "No response has this id.");
        // Everything holds now: it was refused for a reason that is gone (a concurrent delete then re-create); ask for a retry.
        ThrowError("The referenced records changed while this traffic was being stored; retry.", 409);
    }
}
