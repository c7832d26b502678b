namespace Arkyn.Features.TrafficSources.Update;

public sealed class Request
{
    public string TrafficSourceId { get; set; } = "";
    public string? Name { get; set; }
    public string? TrafficDomain { get; set; }

    /// <summary>Days of traffic to keep, 1–3650; null sets it back to the server default (Retention:Days); left out keeps it.</summary>
    public int? RetentionDays
    {
        get;
        set
        {
            field = value;
            RetentionDaysGiven = true;
        }
    }

    /// <summary>Whether the body named retentionDays at all: unlike the other fields, its null means something.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool RetentionDaysGiven { get; private set; }
}
