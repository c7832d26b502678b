using System.Text.Json;
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
        // Unescaped text cannot hold either: JSON forbids raw control characters, and UTF-8 has no surrogates.
        if (reader.TokenType != JsonTokenType.String || !reader.ValueIsEscaped) return reader.GetString();
        var raw = reader.HasValueSequence ? System.Buffers.BuffersExtensions.ToArray(reader.ValueSequence) : reader.ValueSpan;
        return InputText.HasUnsafeEscape(raw) ? InputText.UnescapeJson(raw) : reader.GetString();
    }

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);
}
