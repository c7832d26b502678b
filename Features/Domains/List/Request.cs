namespace Arkyn.Features.Domains.List;

public sealed class Request : PagedRequest
{
    public string TrafficSourceId { get; set; } = "";
}
