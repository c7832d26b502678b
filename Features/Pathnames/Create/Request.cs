namespace Arkyn.Features.Pathnames.Create;

public sealed class Request
{
    public string TrafficSourceId { get; set; } = "";
    public string DomainId { get; set; } = "";
    /// <summary>The path, starting with '/', without query string or fragment.</summary>
    public string? Value { get; set; }
}
