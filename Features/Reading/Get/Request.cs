namespace Arkyn.Features.Reading.Get;

public sealed class Request
{
    public string TrafficSourceId { get; set; } = "";
    public string HttpTrafficId { get; set; } = "";
}
