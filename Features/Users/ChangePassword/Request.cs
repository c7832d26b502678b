namespace Arkyn.Features.Users.ChangePassword;

public sealed class Request
{
    public string UserId { get; set; } = "";
    public string? CurrentPassword { get; set; }
    /// <summary>At least 8 characters.</summary>
    public string? NewPassword { get; set; }
}
