namespace Arkyn.Features.Responses.Create;

public sealed class Endpoint(GroupCommit commits, IHotWrites writes, Payloads payloads, Timestamps time) : Endpoint<Request, Response>
{
    public override void Configure()
    {
        Post("/response");
        Options(b => b.WithMetadata(IngestKeyAllowed.Instance));
        Description(b => b.Answers<Response>(201).Problems(400, 401));
        Summary(s => s.Summary = "Store the response half of a transaction, to attach to traffic later. Sensitive headers are redacted; large bodies are cut.");
    }

    public override async Task HandleAsync(Request r, CancellationToken ct)
    {
        var (body, truncated) = payloads.Body(r.Body);
        var row = new ResponseRow
        {
            Id = Ids.New(),
            UserId = User.UserId(),
            IngestKeyId = User.IngestKeyId(),
            Headers = payloads.Headers(r.Headers!.Value),
            Body = body,
            BodyTruncated = truncated,
            CreatedAt = time.Now(),
        };
        // The answer is made before the commit, so nothing can fail after it.
        var response = new Response(row.Id, Payloads.Parse(row.Headers)!.Value, Payloads.Parse(row.Body), row.BodyTruncated, time.Format(row.CreatedAt));
        await commits.RunAsync((writer, token) => writes.InsertResponseAsync(writer, row, token));
        await Send.ResponseAsync(response, 201, ct);
    }
}
