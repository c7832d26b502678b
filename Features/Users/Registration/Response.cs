namespace Arkyn.Features.Users.Registration;

/// <summary>open: POST /user works now. firstAccount: no account exists yet.</summary>
public sealed record Response(bool Open, bool FirstAccount);
