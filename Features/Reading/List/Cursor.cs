using System.Buffers.Text;
using System.Text;

namespace Arkyn.Features.Reading.List;

/// <summary>Position after the last row of a page, newest first: its createdAt and id, base64url-encoded.</summary>
public static class Cursor
{
    public static string Encode(long createdAt, string id) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"{createdAt}:{id}"));

    public static (long CreatedAt, string Id)? Decode(string? cursor)
    {
        if (string.IsNullOrEmpty(cursor)) return null;
        try
        {
            var parts = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor)).Split(':');
            return parts.Length == 2 && long.TryParse(parts[0], out var at) && Ids.IsUuid(parts[1]) ? (at, parts[1]) : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
