using System.Globalization;

namespace Arkyn.Infrastructure;

/// <summary>Timestamps are stored as Unix milliseconds (UTC) on both engines and written out in the configured format.</summary>
public sealed class Timestamps(ApiSettings settings, TimeProvider clock)
{
    public long Now() => clock.GetUtcNow().ToUnixTimeMilliseconds();

    public string Format(long unixMilliseconds)
    {
        var at = DateTimeOffset.FromUnixTimeMilliseconds(unixMilliseconds).UtcDateTime;
        return settings.DateFormat == DateFormat.Iso8601
            ? at.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture)
            : at.ToString("MM/dd/yyyy 'at' HH:mm:ss", CultureInfo.InvariantCulture);
    }
}
