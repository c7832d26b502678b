namespace Arkyn.Features.HttpTraffic;

/// <summary>The HttpTraffic object of the published contract, fields in its order.</summary>
public sealed record HttpTrafficResponse(
    string Id, int Status, string Method, string Level, double ElapsedTime, string? TrafficUserId,
    string TrafficSourceId, string DomainId, string PathnameId, string RequestId, string ResponseId, string CreatedAt)
{
    public static HttpTrafficResponse From(HttpTrafficRow t, Timestamps time) => new(
        t.Id, t.Status, t.Method, t.Level, t.ElapsedTime, t.TrafficUserId,
        t.TrafficSourceId, t.DomainId, t.PathnameId, t.RequestId, t.ResponseId, time.Format(t.CreatedAt));
}
