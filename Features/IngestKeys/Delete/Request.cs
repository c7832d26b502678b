namespace Arkyn.Features.IngestKeys.Delete;

public sealed class Request
{
    public string IngestKeyId { get; set; } = "";
}
