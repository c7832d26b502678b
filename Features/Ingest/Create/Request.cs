namespace Arkyn.Features.Ingest.Create;

public sealed class Request : RecordInput
{
    public string TrafficSourceId { get; set; } = "";
}
