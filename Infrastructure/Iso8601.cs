using System.Globalization;
using System.Text.RegularExpressions;

namespace Arkyn.Infrastructure;

/// <summary>
/// Timestamps in: ISO 8601 calendar dates with a time (2026-11-26T07:15:00Z, …T07:15:00.123+02:00, …T07:15), or a
/// date alone (midnight); UTC when no offset is given. Nothing else: .NET's own parsing would take "1.5" or "11/26".
/// </summary>
public static partial class Iso8601
{
    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}([Tt ]\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?([Zz]|[+-]\d{2}(:?\d{2})?)?)?$", RegexOptions.CultureInvariant)]
    private static partial Regex Shape();

    public static DateTimeOffset? Parse(string? value) =>
        value is not null && Shape().IsMatch(value)
        && DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at)
            ? at : null;
}
