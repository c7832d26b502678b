namespace Arkyn.Infrastructure;

/// <summary>Enumerations and derived values of the traffic model, shared by every route that writes or reads traffic.</summary>
public static class Traffic
{
    public static readonly string[] Methods = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE", "CONNECT"];
    public static readonly string[] Protocols = ["HTTP", "HTTPS"];

    public static bool IsMethod(string? value) => value is not null && Methods.Contains(value.Trim().ToUpperInvariant());
    public static bool IsProtocol(string? value) => value is not null && Protocols.Contains(value.Trim().ToUpperInvariant());

    public static string Level(int status) => status switch
    {
        >= 500 => "FATAL",
        >= 400 => "WARNING",
        _ => "INFO",
    };
}
