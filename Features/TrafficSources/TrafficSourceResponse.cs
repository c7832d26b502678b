using Arkyn.Infrastructure;
using Arkyn.Infrastructure.Database;
using FluentValidation;

namespace Arkyn.Features.TrafficSources;

public sealed record TrafficSourceResponse(string Id, string Name, string TrafficDomain, string UserId, string CreatedAt, string UpdatedAt)
{
    public static TrafficSourceResponse From(TrafficSourceRow s, Timestamps time) =>
        new(s.Id, s.Name, s.TrafficDomain, s.UserId, time.Format(s.CreatedAt), time.Format(s.UpdatedAt));
}

public static class TrafficSourceRules
{
    public const int MaxNameLength = 100;
    public const int MaxDomainLength = 255;

    public static IRuleBuilderOptions<T, string?> ValidSourceName<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(n => n is null || !string.IsNullOrWhiteSpace(n)).WithMessage("name must not be empty.")
            .MaximumLength(MaxNameLength).WithMessage($"name must be at most {MaxNameLength} characters.");

    public static IRuleBuilderOptions<T, string?> ValidTrafficDomain<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(d => d is null || !string.IsNullOrWhiteSpace(d)).WithMessage("trafficDomain must not be empty.")
            .MaximumLength(MaxDomainLength).WithMessage($"trafficDomain must be at most {MaxDomainLength} characters.");

    /// <summary>Compared case-insensitively and without a trailing slash, so "API.example.com/" and "api.example.com" are one.</summary>
    public static string NormalizeDomain(string value) => value.Trim().TrimEnd('/').ToLowerInvariant();
}
