namespace Arkyn.Features.Webhooks.List;

public sealed class Request : PagedRequest
{
    public string TrafficSourceId { get; set; } = "";
}
