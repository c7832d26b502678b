namespace Arkyn.Features.Webhooks.Update;

/// <summary>Fields left out or null keep their value.</summary>
public sealed class Request : IWebhookIdRequest
{
    public string WebhookId { get; set; } = "";
    public string? Name { get; set; }
    public string? Url { get; set; }
    public string? Format { get; set; }
    /// <summary>A whole new rule; the rule then starts over from now (not firing).</summary>
    public RuleInput? Rule { get; set; }
    /// <summary>true also clears an automatic disable.</summary>
    public bool? Enabled { get; set; }
}
