namespace Arkyn.Features.TrafficSources.Delete;

public sealed class Request
{
    public string TrafficSourceId { get; set; } = "";
}
