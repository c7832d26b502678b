using System.Text;
using Arkyn.Infrastructure;

namespace Arkyn.Tests.Platform;

/// <summary>The text rule itself, without a server: what is replaced, what is kept, and JSON escapes read leniently.</summary>
public sealed class InputTextTests
{
    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a\0b", "a\uFFFDb")]
    [InlineData("~H", "\uFFFD")]
    [InlineData("x~L~H", "x\uFFFD\uFFFD")]
    [InlineData("~h~l kept", "~h~l kept")]
    [InlineData("~h", "\uFFFD")]
    public void Nul_and_unpaired_surrogates_become_U_FFFD(string text, string expected) =>
        Assert.Equal(Surrogates(expected), InputText.Clean(Surrogates(text)));

    /// <summary>Test data cannot hold lone surrogates (attributes store text as UTF-8): ~H ~L ~h ~l stand for D800 DC00 D83D DE00.</summary>
    static string Surrogates(string text) => text.Replace("~H", "\uD800").Replace("~L", "\uDC00").Replace("~h", "\uD83D").Replace("~l", "\uDE00");

    [Theory]
    [InlineData(@"a\u0000b", true)]
    [InlineData(@"\uD800", true)]
    [InlineData(@"\ud83d\ude00", true)]
    [InlineData(@"\\u0000", false)]
    [InlineData(@"\n\t\u00e9", false)]
    [InlineData("plain", false)]
    public void Only_escapes_of_NUL_or_surrogates_need_rewriting(string json, bool unsafeEscape) =>
        Assert.Equal(unsafeEscape, InputText.HasUnsafeEscape(Encoding.UTF8.GetBytes(json)));

    [Theory]
    [InlineData(@"a\u0000b", "a\uFFFDb")]
    [InlineData(@"\ud83d\ude00\ud800", "\uD83D\uDE00\uFFFD")]
    [InlineData(@"\\u0000 \/ \"" \b\f\n\r\t", "\\u0000 / \" \b\f\n\r\t")]
    [InlineData(@"café \u00e9", "café é")]
    public void Json_escapes_are_read_without_throwing(string json, string expected) =>
        Assert.Equal(expected, InputText.UnescapeJson(Encoding.UTF8.GetBytes(json)));

    [Theory]
    [InlineData("2026-11-26T07:15:00Z", true)]
    [InlineData("2026-11-26T07:15:00.123+02:00", true)]
    [InlineData("2026-11-26T07:15", true)]
    [InlineData("2026-11-26", true)]
    [InlineData("1.5", false)]
    [InlineData("11/26/2026", false)]
    [InlineData("2026-11-26T07:15:00Z ", false)]
    [InlineData("2026-02-30T00:00:00Z", false)]
    [InlineData("0001-01-01T00:00:00+00:01", false)]
    public void Timestamps_are_ISO_8601_only(string value, bool valid) => Assert.Equal(valid, Iso8601.Parse(value) is not null);
}
