namespace Arkyn.Features.Members.Add;

public sealed class Request
{
    public string TrafficSourceId { get; set; } = "";
    /// <summary>The email of an existing account.</summary>
    public string? Email { get; set; }
    /// <summary>READ_ONLY (the only role there is).</summary>
    public string? Role { get; set; }
}
