using System.Security.Cryptography;

namespace Arkyn.Features.Webhooks.Create;

public sealed class Endpoint(Db db, Timestamps time, AlertSettings alerts) : Endpoint<Request, Response>
{
    /// <summary>Random bytes of a signing secret: Standard Webhooks asks for 24 to 64.</summary>
    const int SecretBytes = 32;

    public override void Configure()
    {
        Post("/webhooks/{trafficSourceId}");
        Description(b => b.Answers<Response>(201).Problems(400, 401, 403, 404));
        Summary(s => s.Summary = "Create a webhook that posts alerts of this traffic source. Its signing secret is shown only in this response.");
    }

    public override async Task HandleAsync(Request r, CancellationToken ct)
    {
        var sourceId = Ids.Normalize(r.TrafficSourceId);
        await db.RequireOwnedSourceAsync(sourceId, User.UserId(), ct);
        if (await Targets.RefusalAsync(r.Url!, alerts.AllowPrivateTargets, ct) is { } refusal) ThrowError(x => x.Url!, refusal);

        var now = time.Now();
        var secret = "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(SecretBytes));
        var row = new WebhookRow
        {
            Id = Ids.New(),
            TrafficSourceId = sourceId,
            Name = r.Name!.Trim(),
            Url = r.Url!,
            Format = r.Format?.Trim().ToLowerInvariant() ?? Formats.Json,
            Rule = Webhooks.Rule.From(r.Rule!).ToStored(),
            Secret = secret,
            Enabled = r.Enabled ?? true,
            CreatedAt = now,
            UpdatedAt = now,
        };
        await using (var tx = await db.BeginTransactionAsync(ct))
        {
            await db.InsertAsync(row, token: ct);
            await db.InsertAsync(WebhookStates.Fresh(row.Id, now), token: ct);
            await tx.CommitAsync(ct);
        }
        await Send.ResponseAsync(Response.From(WebhookResponse.From(row, time), secret), 201, ct);
    }
}
