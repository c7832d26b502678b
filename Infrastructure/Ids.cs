namespace Arkyn.Infrastructure;

/// <summary>Ids are UUIDv7 strings in lower case; input in any case is accepted and normalised.</summary>
public static class Ids
{
    public static string New() => Guid.CreateVersion7().ToString();

    public static bool IsUuid(string? value) => Guid.TryParseExact(value, "D", out _);

    public static string Normalize(string value) => Guid.ParseExact(value, "D").ToString();
}
