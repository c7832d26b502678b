namespace Arkyn.Features.TrafficSources.Update;

public sealed class Request
{
    public string TrafficSourceId { get; set; } = "";
    public string? Name { get; set; }
    public string? TrafficDomain { get; set; }
}
