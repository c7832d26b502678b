namespace Arkyn.Features.Users.Authenticate;

public sealed record Response(string Token);
