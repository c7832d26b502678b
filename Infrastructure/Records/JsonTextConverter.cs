using System.Text.Json.Serialization;

namespace Arkyn.Infrastructure.Records;

/// <summary>
/// Reads a record field sent either as JSON or as the JSON text of it in a string: the Arkyn npm client sends headers,
/// query parameters and bodies through JSON.stringify. A string holding JSON text becomes that value, so validation,
/// redaction and truncation see the decoded value; any other string stays the string it is. Only one level is decoded:
/// a string inside the decoded value stays a string.
/// </summary>
/// <remarks>
/// The text is unescaped once, as UTF-8, straight into the array the value then lives in, and parsed in place: the
/// value costs one copy of its bytes, as an object sent as JSON does. Its document is not disposed (the value lives as
/// long as the request), so the parse's index array is left to the garbage collector rather than returned to the pool.
/// </remarks>
public sealed class JsonTextConverter : JsonConverter<JsonElement?>
{
    public override JsonElement? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Null) return null;
        if (reader.TokenType != JsonTokenType.String) return JsonElement.ParseValue(ref reader);

        var text = new byte[reader.HasValueSequence ? checked((int)reader.ValueSequence.Length) : reader.ValueSpan.Length];
        int length;
        try
        {
            length = reader.CopyString(text);
        }
        catch (InvalidOperationException)
        {
            // An escaped lone surrogate (\ud800) has no UTF-8 form, so the text is no JSON text: the string as sent.
            return JsonElement.ParseValue(ref reader);
        }
        if (MayBeJson(text.AsSpan(0, length)))
        {
            try
            {
                return JsonDocument.Parse(text.AsMemory(0, length)).RootElement;
            }
            catch (JsonException)
            {
                // Not JSON text after all: kept as the string that was sent.
            }
        }
        return JsonElement.ParseValue(ref reader);
    }

    /// <summary>Whether the text starts as a JSON value can, so that plain text (form data, "hello") costs no failed parse.</summary>
    static bool MayBeJson(ReadOnlySpan<byte> text)
    {
        var start = text.IndexOfAnyExcept(" \t\r\n"u8);
        return start >= 0 && text[start] is (byte)'{' or (byte)'[' or (byte)'"' or (byte)'-' or (>= (byte)'0' and <= (byte)'9') or (byte)'t' or (byte)'f' or (byte)'n';
    }

    public override void Write(Utf8JsonWriter writer, JsonElement? value, JsonSerializerOptions options)
    {
        if (value is { } element) element.WriteTo(writer);
        else writer.WriteNullValue();
    }
}
