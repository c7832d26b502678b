namespace Arkyn.Features.Webhooks.Test;

/// <summary>The queued event: its id is the webhook-id header the receiver gets.</summary>
public sealed record Response(string EventId);
