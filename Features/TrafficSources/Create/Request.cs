namespace Arkyn.Features.TrafficSources.Create;

public sealed class Request
{
    public string? Name { get; set; }
    public string? TrafficDomain { get; set; }
}
