using System.Text;
using System.Text.Unicode;
using System.Text.Json.Serialization;

namespace Arkyn.Infrastructure;

/// <summary>
/// Reads every JSON string of a request body by <see cref="InputText"/>'s rule, so no typed field (user name, email,
/// source and key names, trafficUserId, …) can carry NUL or a lone surrogate to the database.
/// </summary>
public sealed class CleanStringConverter : JsonConverter<string>
{
    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String) return reader.GetString(); // the usual error for a wrong type
        var raw = reader.HasValueSequence ? System.Buffers.BuffersExtensions.ToArray(reader.ValueSequence) : reader.ValueSpan;
        // Unescaped text cannot hold NUL (JSON forbids raw control characters) and its bytes that are not UTF-8 become
        // U+FFFD here, as they do in the captured JSON, where reader.GetString() would throw.
        if (!reader.ValueIsEscaped) return Encoding.UTF8.GetString(raw);
        return InputText.HasUnsafeEscape(raw) || !Utf8.IsValid(raw) ? InputText.UnescapeJson(raw) : reader.GetString();
    }

    /// <summary>Answers are cleaned too: a string that reached the server some other way (a row stored before the rule) still writes.</summary>
    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(InputText.Clean(value));
}
