namespace Arkyn.Features.IngestKeys.List;

public sealed class Request : PagedRequest
{
    public string TrafficSourceId { get; set; } = "";
}
