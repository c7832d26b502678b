namespace Arkyn.Features.Users.Authenticate;

public sealed class Request
{
    public string? Email { get; set; }
    public string? Password { get; set; }
}
