namespace Arkyn.Features.Reading.Export;

public sealed class Request : TrafficFilterRequest
{
    /// <summary>ndjson (one record view per line, the default) or csv (one row per record, header first, request and response as JSON text).</summary>
    [QueryParam] public string? Format { get; set; }

    public bool IsCsv => string.Equals(Format?.Trim(), "csv", StringComparison.OrdinalIgnoreCase);
}
