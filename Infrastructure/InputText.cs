using System.Buffers.Text;
using System.Text;

namespace Arkyn.Infrastructure;

/// <summary>
/// The one rule for text that is stored: NUL (U+0000) and UTF-16 surrogates that are not part of a pair become U+FFFD,
/// in every field (JSON strings and names at any depth, query values). Neither survives the way out: PostgreSQL's text
/// refuses NUL, and a lone surrogate cannot be written as UTF-8 JSON. Replaced, a record is still stored and read back
/// the same on both engines; refused, an agent would lose the whole transaction for one character it did not choose.
/// </summary>
public static class InputText
{
    public const char Replacement = '\uFFFD';

    public static bool IsClean(ReadOnlySpan<char> text)
    {
        if (text.IndexOf('\0') < 0 && text.IndexOfAnyInRange('\uD800', '\uDFFF') < 0) return true;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\0') return false;
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) i++;
            else if (char.IsSurrogate(c)) return false;
        }
        return true;
    }

    public static string Clean(string text) => IsClean(text) ? text : Replace(text);

    static string Replace(string text) => string.Create(text.Length, text, (chars, source) =>
    {
        for (var i = 0; i < source.Length; i++)
        {
            var c = source[i];
            if (char.IsHighSurrogate(c) && i + 1 < source.Length && char.IsLowSurrogate(source[i + 1]))
            {
                chars[i] = c;
                chars[++i] = source[i];
            }
            else chars[i] = c == '\0' || char.IsSurrogate(c) ? Replacement : c;
        }
    });

    /// <summary>
    /// Whether the text of a JSON string (escapes as sent, without quotes) escapes NUL or a surrogate: only then does
    /// it need <see cref="UnescapeJson"/>; any other value can be stored as sent.
    /// </summary>
    public static bool HasUnsafeEscape(ReadOnlySpan<byte> utf8)
    {
        for (var i = utf8.IndexOf((byte)'\\'); i >= 0 && i < utf8.Length - 1; i++)
        {
            if (utf8[i] != '\\') continue;
            if (utf8[i + 1] != 'u') { i++; continue; }
            if (Hex(utf8, i + 2) is var code && (code == 0 || code is >= 0xD800 and <= 0xDFFF)) return true;
            i += 5;
        }
        return false;
    }

    /// <summary>
    /// The value of a JSON string's text (escapes as sent, without quotes; already checked by a JSON reader), cleaned.
    /// Unlike System.Text.Json's own reading, a lone surrogate escape does not throw: it becomes U+FFFD.
    /// </summary>
    public static string UnescapeJson(ReadOnlySpan<byte> utf8)
    {
        var text = new StringBuilder(utf8.Length);
        var start = 0;
        for (var i = 0; i < utf8.Length; i++)
        {
            if (utf8[i] != '\\' || i + 1 >= utf8.Length) continue;
            text.Append(Encoding.UTF8.GetString(utf8[start..i]));
            var escape = utf8[++i];
            switch (escape)
            {
                case (byte)'u' when i + 4 < utf8.Length:
                    text.Append((char)Hex(utf8, i + 1));
                    i += 4;
                    break;
                case (byte)'b': text.Append('\b'); break;
                case (byte)'f': text.Append('\f'); break;
                case (byte)'n': text.Append('\n'); break;
                case (byte)'r': text.Append('\r'); break;
                case (byte)'t': text.Append('\t'); break;
                default: text.Append((char)escape); break;
            }
            start = i + 1;
        }
        text.Append(Encoding.UTF8.GetString(utf8[start..]));
        return Clean(text.ToString());
    }

    /// <summary>The value of a JSON string element, cleaned; never throws on a lone surrogate as GetString() does.</summary>
    public static string StringOf(System.Text.Json.JsonElement element)
    {
        var raw = System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(element)[1..^1];
        return HasUnsafeEscape(raw) ? UnescapeJson(raw) : element.GetString()!;
    }

    static int Hex(ReadOnlySpan<byte> utf8, int at) =>
        at + 4 <= utf8.Length && Utf8Parser.TryParse(utf8.Slice(at, 4), out ushort value, out var used, 'x') && used == 4 ? value : -1;
}
