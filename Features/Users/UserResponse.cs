namespace Arkyn.Features.Users;

/// <summary>The user object of every /user route: never a password or its hash.</summary>
public sealed record UserResponse(string Id, string Name, string Email, double Utc, string CreatedAt, string UpdatedAt)
{
    public static UserResponse From(UserRow user, Timestamps time) =>
        new(user.Id, user.Name, user.Email, user.Utc, time.Format(user.CreatedAt), time.Format(user.UpdatedAt));
}

public static class UserRules
{
    public const int MaxNameLength = 100;

    public static IRuleBuilderOptions<T, string?> ValidName<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(n => n is null || n.Trim().Length > 0).WithMessage("name must not be empty.")
            .MaximumLength(MaxNameLength).WithMessage($"name must be at most {MaxNameLength} characters.");

    /// <summary>Hours from UTC, −12 to +14, in steps of a quarter hour (so +5.5 and +5.75 are valid).</summary>
    public static IRuleBuilderOptions<T, double?> ValidUtc<T>(this IRuleBuilder<T, double?> rule) =>
        rule.Must(utc => utc is null || (utc is >= -12 and <= 14 && utc.Value * 4 % 1 == 0))
            .WithMessage("utc must be an hours offset from -12 to 14, in steps of 0.25.");
}
