namespace Arkyn.Features.Members;

/// <summary>A person who may read a traffic source: the account's id, email and name, the role, and when it was given.</summary>
public sealed record MemberResponse(string UserId, string Email, string Name, string Role, string CreatedAt);
