namespace Arkyn.Features.HttpTrafficRecords.Create;

public sealed class Request : RecordInput
{
    public string TrafficSourceId { get; set; } = "";
}
