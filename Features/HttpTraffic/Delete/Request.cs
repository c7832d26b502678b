namespace Arkyn.Features.HttpTraffic.Delete;

public sealed class Request
{
    public string HttpTrafficId { get; set; } = "";
}
