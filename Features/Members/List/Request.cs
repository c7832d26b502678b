namespace Arkyn.Features.Members.List;

public sealed class Request : PagedRequest
{
    public string TrafficSourceId { get; set; } = "";
}
