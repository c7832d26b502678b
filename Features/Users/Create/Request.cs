namespace Arkyn.Features.Users.Create;

public sealed class Request
{
    public string? Name { get; set; }
    public string? Email { get; set; }
    public string? Password { get; set; }
    /// <summary>Hours offset from UTC, −12 to 14. Defaults to 0.</summary>
    public double? Utc { get; set; }
}
