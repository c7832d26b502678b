namespace Arkyn.Features.Pathnames;

public sealed record PathnameResponse(string Id, string Value, string DomainId, string TrafficSourceId, string CreatedAt)
{
    public static PathnameResponse From(PathnameRow p, Timestamps time) => new(p.Id, p.Value, p.DomainId, p.TrafficSourceId, time.Format(p.CreatedAt));
}
