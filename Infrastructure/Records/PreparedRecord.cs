namespace Arkyn.Infrastructure.Records;

/// <summary>A validated record turned into the rows it becomes; domain and pathname ids are filled in when stored.</summary>
public sealed record PreparedRecord(HttpTrafficRow Traffic, RequestRow Request, ResponseRow Response, string Domain, string Protocol, string Pathname, bool ClientChoseId)
{
    public RecordView.Rows Rows => new(Traffic, Domain, Protocol, Pathname, Request, Response);

    /// <summary>The template of the pathname when it is created, when the sender knows its route (OTLP's http.route); else derived from the pathname.</summary>
    public string? PathnameTemplate { get; init; }
}
