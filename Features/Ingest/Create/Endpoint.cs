namespace Arkyn.Features.Ingest.Create;

public sealed class Endpoint(Db db, RecordWriter writer) : Endpoint<Request, RecordView>
{
    public override void Configure()
    {
        // The plural is the upstream store's spelling of the route.
        Post("/http-traffic-record/{trafficSourceId}", "/http-traffic-records/{trafficSourceId}");
        Options(b => b.WithMetadata(IngestKeyAllowed.Instance));
        Description(b => b.Answers<RecordView>(201, 200).Problems(400, 401, 403, 404, 409, 413, 429));
        Summary(s =>
        {
            s.Summary = "Store one complete transaction in one call and one transaction: domain and pathname found or created, request, response and traffic.";
            s.Description = "Send an `id` (UUID) to make retries safe: a record whose id is already stored answers 200 with the stored record.";
            s.Responses[200] = "A record with this id was already stored; it is returned unchanged.";
            s.Responses[201] = "The record was stored.";
            s.Responses[409] = "The id is already used by a record of another traffic source.";
            s.ExampleRequest = new
            {
                id = "0197548f-0e8e-7550-b283-f26fd98a9423", timestamp = "2026-11-26T07:15:00Z",
                domainUrl = "https://api.example.com", pathnameUrl = "/users/42", method = "GET", status = 200, elapsedTime = 12.5,
                trafficUserId = "user-456", requestHeaders = new Dictionary<string, string> { ["accept"] = "application/json", ["cookie"] = "session=abc" },
                queryParams = new { expand = "orders" }, responseHeaders = new Dictionary<string, string> { ["content-type"] = "application/json" },
                responseBody = new { id = 42, name = "Ada", password = "hunter2" },
            };
            s.ResponseExamples[201] = new
            {
                id = "0197548f-0e8e-7550-b283-f26fd98a9423", status = 200, method = "GET", level = "INFO", elapsedTime = 12.5,
                trafficUserId = "user-456", trafficSourceId = "01a216cd-8595-72c5-b8d0-53c4253457a0",
                domainId = "01a216cd-877a-7b52-a281-0df1f70f1efb", pathnameId = "01a216cd-8960-7ea4-8d33-671f869200c6",
                requestId = "01a216cd-8b6d-7be3-b867-ff0f29df7ac9", responseId = "01a216cd-8cef-73d3-acc3-8caa0256c470",
                createdAt = "11/26/2026 at 07:15:00", domain = "api.example.com", protocol = "HTTPS", pathname = "/users/42",
                request = new
                {
                    headers = new Dictionary<string, string> { ["accept"] = "application/json", ["cookie"] = "[REDACTED]" },
                    body = (object?)null, bodyTruncated = false, queryParams = new { expand = "orders" },
                },
                response = new
                {
                    headers = new Dictionary<string, string> { ["content-type"] = "application/json" },
                    body = new { id = 42, name = "Ada", password = "[REDACTED]" }, bodyTruncated = false,
                },
            };
        });
    }

    public override async Task HandleAsync(Request r, CancellationToken ct)
    {
        var sourceId = Ids.Normalize(r.TrafficSourceId);
        var userId = User.UserId();
        // An ingest key of this source already proved ownership while it was authenticated: one query fewer per call.
        if (!User.IsIngestKeyOf(sourceId)) await db.RequireOwnedSourceAsync(sourceId, userId, ct);

        var (outcome, view) = await writer.WriteOneAsync(writer.Prepare(sourceId, userId, User.IngestKeyId(), r), ct);
        if (outcome == WriteOutcome.IdTaken)
            ThrowError(x => x.Id!, "This id is already used by another record.", 409);
        await Send.ResponseAsync(view!, outcome == WriteOutcome.Created ? 201 : 200, ct);
    }
}
