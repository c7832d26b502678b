namespace Arkyn.Features.IngestKeys.Create;

public sealed class Request
{
    public string TrafficSourceId { get; set; } = "";
    /// <summary>What the key is for, e.g. "production agent".</summary>
    public string? Name { get; set; }
}
