using System.Text.Json.Serialization;
using NJsonSchema.Annotations;

namespace Arkyn.Features.Ingest.Batch;

public sealed class Request
{
    public string TrafficSourceId { get; set; } = "";
    /// <summary>Up to 1,000 records. Each is validated on its own: one bad record does not stop the others.</summary>
    [JsonSchemaType(typeof(List<RecordInput>))] public RecordList? Records { get; set; }
}

/// <summary>
/// The records of a batch, each read into a small document of its own as the body is parsed. Read as one
/// JsonElement, a 1 MB batch was copied whole into new arrays on the large-object heap, and under load those set
/// off several full garbage collections a second. A value that is not an array reads as null, which the validator refuses.
/// </summary>
[JsonConverter(typeof(Converter))]
public sealed class RecordList : List<JsonElement>
{
    sealed class Converter : JsonConverter<RecordList>
    {
        public override RecordList? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType != JsonTokenType.StartArray)
            {
                reader.Skip();
                return null;
            }
            var records = new RecordList();
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                records.Add(JsonElement.ParseValue(ref reader));
            return records;
        }

        public override void Write(Utf8JsonWriter writer, RecordList value, JsonSerializerOptions options)
        {
            writer.WriteStartArray();
            foreach (var record in value) record.WriteTo(writer);
            writer.WriteEndArray();
        }
    }
}
