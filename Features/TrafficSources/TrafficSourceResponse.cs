namespace Arkyn.Features.TrafficSources;

/// <summary>A traffic source: the published fields, then retentionDays and <c>role</c>, the caller's: OWNER for their own sources, READ_ONLY where they are a member.</summary>
public sealed record TrafficSourceResponse(string Id, string Name, string TrafficDomain, string UserId, string CreatedAt, string UpdatedAt,
    int? RetentionDays, string Role)
{
    public const string Owner = "OWNER";

    public static TrafficSourceResponse From(TrafficSourceRow s, Timestamps time, string role = Owner) =>
        new(s.Id, s.Name, s.TrafficDomain, s.UserId, time.Format(s.CreatedAt), time.Format(s.UpdatedAt), s.RetentionDays, role);
}

public static class TrafficSourceRules
{
    public const int MaxNameLength = 100;
    public const int MaxDomainLength = 255;
    public const int MinRetentionDays = 1;
    public const int MaxRetentionDays = 3650;

    public static IRuleBuilderOptions<T, int?> ValidRetentionDays<T>(this IRuleBuilder<T, int?> rule) =>
        rule.InclusiveBetween(MinRetentionDays, MaxRetentionDays)
            .WithMessage($"retentionDays must be from {MinRetentionDays} to {MaxRetentionDays}, or null for the server default.");

    public static IRuleBuilderOptions<T, string?> ValidSourceName<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(n => n is null || !string.IsNullOrWhiteSpace(n)).WithMessage("name must not be empty.")
            .MaximumLength(MaxNameLength).WithMessage($"name must be at most {MaxNameLength} characters.");

    public static IRuleBuilderOptions<T, string?> ValidTrafficDomain<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(d => d is null || !string.IsNullOrWhiteSpace(d)).WithMessage("trafficDomain must not be empty.")
            .MaximumLength(MaxDomainLength).WithMessage($"trafficDomain must be at most {MaxDomainLength} characters.");

    /// <summary>Compared case-insensitively and without a trailing slash, so "API.example.com/" and "api.example.com" are one.</summary>
    public static string NormalizeDomain(string value) => value.Trim().TrimEnd('/').ToLowerInvariant();
}
