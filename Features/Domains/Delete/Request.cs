namespace Arkyn.Features.Domains.Delete;

public sealed class Request
{
    public string DomainId { get; set; } = "";
}
