namespace Arkyn.Features.HttpTraffic.List;

public sealed class Request : PagedRequest
{
    public string TrafficSourceId { get; set; } = "";
}
