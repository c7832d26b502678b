namespace Arkyn.Features.TrafficSources.List;

public sealed class Request : PagedRequest;
