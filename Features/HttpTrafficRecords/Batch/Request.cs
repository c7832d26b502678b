using System.Text.Json;

namespace Arkyn.Features.HttpTrafficRecords.Batch;

public sealed class Request
{
    public string TrafficSourceId { get; set; } = "";
    /// <summary>Up to 1,000 records. Each is validated on its own: one bad record does not stop the others.</summary>
    public JsonElement? Records { get; set; }
}
