namespace Arkyn.Features.HttpTraffic.Create;

public sealed class Request
{
    public string TrafficSourceId { get; set; } = "";
    /// <summary>HTTP status code of the response, 100–599.</summary>
    public int? Status { get; set; }
    /// <summary>HTTP method, in any case: GET POST PUT PATCH DELETE HEAD OPTIONS TRACE CONNECT.</summary>
    public string? Method { get; set; }
    /// <summary>Total transaction time in milliseconds (fractions kept).</summary>
    public double? ElapsedTime { get; set; }
    /// <summary>User id in the monitored application, up to 255 characters, or null.</summary>
    public string? TrafficUserId { get; set; }
    public string? DomainId { get; set; }
    public string? PathnameId { get; set; }
    public string? RequestId { get; set; }
    public string? ResponseId { get; set; }
}
