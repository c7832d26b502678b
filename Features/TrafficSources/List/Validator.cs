namespace Arkyn.Features.TrafficSources.List;

public sealed class Validator : Validator<Request>
{
    public Validator() => Include(new PagingRules());
}
