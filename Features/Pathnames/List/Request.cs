namespace Arkyn.Features.Pathnames.List;

public sealed class Request : PagedRequest
{
    public string TrafficSourceId { get; set; } = "";
    public string DomainId { get; set; } = "";
}
