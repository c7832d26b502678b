namespace Arkyn.Features.Pathnames.Delete;

public sealed class Request
{
    public string PathnameId { get; set; } = "";
}
