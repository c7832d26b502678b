namespace Arkyn.Infrastructure;

/// <summary>
/// Rules for body fields a request must carry: an absent field is "required", a present but wrong one is "must be".
/// NotNull also marks the field required in the OpenAPI document.
/// </summary>
public static class RequiredFields
{
    public static IRuleBuilderOptions<T, string?> RequiredUuid<T>(this IRuleBuilder<T, string?> rule, string field) =>
        rule.NotNull().WithMessage($"{field} is required.")
            .Must(v => v is null || Ids.IsUuid(v)).WithMessage($"{field} must be a UUID.");

    public static IRuleBuilderOptions<T, JsonElement?> RequiredObject<T>(this IRuleBuilder<T, JsonElement?> rule, string field) =>
        rule.NotNull().WithMessage($"{field} is required.")
            .Must(v => v is null || v.Value.ValueKind == JsonValueKind.Object).WithMessage($"{field} must be a JSON object.");
}
