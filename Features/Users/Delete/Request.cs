namespace Arkyn.Features.Users.Delete;

public sealed class Request
{
    public string UserId { get; set; } = "";
}
