using System.Collections.Concurrent;
using System.Text.RegularExpressions;

namespace Arkyn.Infrastructure;

/// <summary>Enumerations and derived values of the traffic model, shared by every route that writes or reads traffic.</summary>
public static class Traffic
{
    public static readonly string[] Methods = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE", "CONNECT"];
    public static readonly string[] Protocols = ["HTTP", "HTTPS"];

    public static bool IsMethod(string? value) => value is not null && Methods.Contains(value.Trim().ToUpperInvariant());
    public static bool IsProtocol(string? value) => value is not null && Protocols.Contains(value.Trim().ToUpperInvariant());

    public const int MaxPathLength = 2048;
    public const int MaxTrafficUserIdLength = 255;

    /// <summary>Lower case, no trailing '/'; null when the rest is not a host with an optional :port.</summary>
    public static string? NormalizeHost(string value)
    {
        var candidate = value.Trim().TrimEnd('/').ToLowerInvariant();
        var host = candidate;
        var colon = candidate.LastIndexOf(':');
        if (colon > candidate.LastIndexOf(']'))
        {
            if (!int.TryParse(candidate[(colon + 1)..], out var port) || port is < 1 or > 65535) return null;
            host = candidate[..colon];
        }
        return host.Length > 0 && Uri.CheckHostName(host.Trim('[', ']')) != UriHostNameType.Unknown ? candidate : null;
    }

    /// <summary>A pathname starts with '/' and has no query string, fragment, spaces or control characters.</summary>
    public static bool IsPathname(string? value) =>
        value is not null && value.StartsWith('/') && value.Length <= MaxPathLength
        && !value.Any(c => c is '?' or '#' || char.IsWhiteSpace(c) || char.IsControl(c));

    /// <summary>
    /// The pathname with every segment that looks like an id replaced by {id}: integers, UUIDs, hex of 8 or more
    /// characters with a digit, and opaque tokens of 16 or more letters and digits mixed. /users/42/orders/9 → /users/{id}/orders/{id}.
    /// A route parameter as the Arkyn npm client sends it (the application's route pattern) keeps its name: /users/:userId → /users/{userId}.
    /// </summary>
    public static string PathTemplate(string pathname) =>
        string.Join('/', pathname.Split('/').Select(segment => IsRouteParameter(segment) ? $"{{{segment[1..]}}}" : IsIdSegment(segment) ? "{id}" : segment));

    /// <summary>":name", a name of letters, digits and '_' that starts with a letter or '_' (Express's route parameters).</summary>
    static bool IsRouteParameter(string s) =>
        s.Length > 1 && s[0] == ':' && (char.IsAsciiLetter(s[1]) || s[1] == '_') && !s.AsSpan(2).ContainsAnyExcept(RouteParameterChars);

    static readonly System.Buffers.SearchValues<char> RouteParameterChars =
        System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");

    static bool IsIdSegment(string s) =>
        s.Length > 0 && (
            s.All(char.IsAsciiDigit)
            || Guid.TryParse(s, out _)
            || (s.Length >= 8 && s.All(char.IsAsciiHexDigit) && s.Any(char.IsAsciiDigit))
            || (s.Length >= 16 && s.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_') && s.Any(char.IsAsciiDigit) && s.Any(char.IsAsciiLetter)));

    static readonly Regex RouteParameter = new(@"\{\*{0,2}([^}:=?]+)[^}]*\}|^:([A-Za-z0-9_$]+).*$", RegexOptions.Compiled | RegexOptions.CultureInvariant);

    /// <summary>
    /// http.route as a pathname template: a leading '/', each parameter as {name} whatever the framework's spelling
    /// (ASP.NET Core's {id:int}, {id?}, {*path}; Express's :id, :id?). Null when it is absent or not a path.
    /// </summary>
    public static string? RouteTemplate(string? route)
    {
        if (string.IsNullOrWhiteSpace(route)) return null;
        if (Templates.TryGetValue(route, out var known)) return known;
        if (Templates.Count >= MaxTemplates) Templates.Clear();
        return Templates[route] = TemplateOf(route);
    }

    /// <summary>An app has a few routes, sent with every span: each is turned into a template once.</summary>
    static readonly ConcurrentDictionary<string, string?> Templates = new(StringComparer.Ordinal);
    const int MaxTemplates = 10_000;

    static string? TemplateOf(string route)
    {
        var path = route.Trim();
        if (!path.StartsWith('/')) path = "/" + path;
        var template = string.Join('/', path.Split('/').Select(segment =>
            RouteParameter.Replace(segment, m => $"{{{(m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value)}}}")));
        return IsPathname(template) ? template : null;
    }

    public static string Level(int status) => status switch
    {
        >= 500 => "FATAL",
        >= 400 => "WARNING",
        _ => "INFO",
    };
}
