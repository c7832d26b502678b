namespace Arkyn.Features.TrafficSources.Create;

public sealed class Request
{
    public string? Name { get; set; }
    public string? TrafficDomain { get; set; }
    /// <summary>Days of traffic to keep, 1–3650; null or left out for the server default (Retention:Days).</summary>
    public int? RetentionDays { get; set; }
}
