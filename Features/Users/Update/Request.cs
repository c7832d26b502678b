namespace Arkyn.Features.Users.Update;

public sealed class Request
{
    public string UserId { get; set; } = "";
    public string? Name { get; set; }
    public double? Utc { get; set; }
}
