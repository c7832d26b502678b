namespace Arkyn.Features.Domains.Create;

public sealed class Request
{
    public string TrafficSourceId { get; set; } = "";
    /// <summary>Host with an optional :port, e.g. api.example.com or localhost:8080.</summary>
    public string? Value { get; set; }
    /// <summary>HTTP or HTTPS, in any case.</summary>
    public string? Protocol { get; set; }
}
