namespace Arkyn.Features.HttpTraffic.Create;

public sealed class Endpoint(Db db, GroupCommit commits, IHotWrites writes, Timestamps time) : Endpoint<Request, HttpTrafficResponse>
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

        bool inserted;
        try
        {
            // The published route's hottest statement, by the engine's own statements: linq2db builds the SQL of a
            // five-EXISTS check again on every call, about 1 ms of CPU against 0.05 ms (docs/internals.md).
            inserted = await commits.RunAsync((writer, token) => writes.InsertTrafficWhenReferencesHoldAsync(writer, traffic, callerId, keyId, token));
        }
        catch (Exception e) when (DbErrors.IsUniqueViolation(e))
        {
            ThrowError("The request or response is already attached to other traffic.", 409);
            throw;
        }
        if (!inserted) await ExplainRefusalAsync(traffic, callerId, keyId, ct);

        await Send.ResponseAsync(HttpTrafficResponse.From(traffic, time), 201, ct);
    }

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
