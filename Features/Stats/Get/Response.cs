using NJsonSchema.Annotations;

namespace Arkyn.Features.Stats.Get;

[JsonSchema("EndpointStats")]
public sealed record EndpointStats(
    string Domain, string Method, string PathnameTemplate, int Count, int ErrorCount, int FatalCount, double ErrorRate,
    double P50, double P95, double P99, double MaxElapsed);

[JsonSchema("StatsBucket")]
public sealed record Bucket(string Start, int Count, int ErrorCount, int FatalCount, double? P95);

/// <summary>series is null unless an interval was asked for.</summary>
[JsonSchema("HttpTrafficStats")]
public sealed record Response(string StartDate, string EndDate, List<EndpointStats> Endpoints, List<Bucket>? Series);
