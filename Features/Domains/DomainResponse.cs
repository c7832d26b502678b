namespace Arkyn.Features.Domains;

public sealed record DomainResponse(string Id, string Value, string Protocol, string TrafficSourceId, string CreatedAt)
{
    public static DomainResponse From(DomainRow d, Timestamps time) => new(d.Id, d.Value, d.Protocol, d.TrafficSourceId, time.Format(d.CreatedAt));
}
