namespace Arkyn.Features.Ingest.IngestLog;

/// <summary>A record as the Arkyn npm client sends it: the traffic source travels in the body, not the path.</summary>
public sealed class Request : RecordInput
{
    public string? TrafficSourceId { get; set; }
}
