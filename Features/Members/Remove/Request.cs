namespace Arkyn.Features.Members.Remove;

public sealed class Request
{
    public string TrafficSourceId { get; set; } = "";
    public string UserId { get; set; } = "";
}
