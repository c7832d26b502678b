using System.Net;
using System.Net.Sockets;

namespace Arkyn.Features.Webhooks;

/// <summary>
/// Where webhooks may post: http(s) URLs whose host is a public address. Loopback, private, link-local, multicast,
/// unspecified, shared (CGNAT), benchmark and reserved ranges, and their IPv6 forms (mapped, NAT64, 6to4), are
/// internal. Checked when a URL is saved and again on every connection, after DNS, so a name that later
/// resolves inward is still refused.
/// </summary>
public static class Targets
{
    public const int MaxUrlLength = 2048;

    /// <summary>The problem with the URL's form, or null: absolute, http or https, a host, no user info.</summary>
    public static string? FormProblem(string url)
    {
        if (url.Length > MaxUrlLength) return $"url must be at most {MaxUrlLength} characters.";
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            return "url must be an absolute http or https URL.";
        if (string.IsNullOrEmpty(uri.IdnHost)) return "url must name a host.";
        if (!string.IsNullOrEmpty(uri.UserInfo)) return "url must not carry a user name or password.";
        return null;
    }

    /// <summary>Why the URL's host may not be posted to (after resolving it), or null when it may.</summary>
    public static async Task<string?> RefusalAsync(string url, bool allowPrivate, CancellationToken ct)
    {
        if (allowPrivate) return null;
        var host = new Uri(url).IdnHost.Trim('[', ']');
        IPAddress[] addresses;
        try
        {
            addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, ct);
        }
        catch (SocketException)
        {
            return $"url's host {host} does not resolve.";
        }
        if (addresses.Length == 0) return $"url's host {host} does not resolve.";
        return addresses.FirstOrDefault(IsInternal) is { } inside
            ? $"url resolves to {inside}, an internal address (loopback, private, link-local, multicast or reserved); webhooks post only to public addresses."
            : null;
    }

    public static bool IsInternal(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) return IsInternal(address.MapToIPv4());
        if (address.AddressFamily == AddressFamily.InterNetwork) return IsInternalV4(address.GetAddressBytes());
        if (address.AddressFamily != AddressFamily.InterNetworkV6) return true;
        var b = address.GetAddressBytes();
        if (address.Equals(IPAddress.IPv6Any) || address.Equals(IPAddress.IPv6Loopback)) return true;
        if (address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast || address.IsIPv6UniqueLocal) return true;
        // IPv4-compatible (::a.b.c.d), NAT64 (64:ff9b::/96) and 6to4 (2002::/16) carry an IPv4 address: judge that one.
        if (b[..12].All(x => x == 0)) return IsInternalV4(b[12..]);
        if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b && b[4..12].All(x => x == 0)) return IsInternalV4(b[12..]);
        if (b[0] == 0x20 && b[1] == 0x02) return IsInternalV4(b[2..6]);
        // Documentation (2001:db8::/32), Teredo (2001::/32), discard (100::/64).
        if (b[0] == 0x20 && b[1] == 0x01 && ((b[2] == 0x0d && b[3] == 0xb8) || (b[2] == 0 && b[3] == 0))) return true;
        if (b[0] == 0x01 && b[1] == 0x00 && b[2..8].All(x => x == 0)) return true;
        return false;
    }

    static bool IsInternalV4(byte[] b) =>
        b[0] == 0                                   // 0.0.0.0/8, "this network"
        || b[0] == 10                               // private
        || b[0] == 127                              // loopback
        || (b[0] == 100 && (b[1] & 0xc0) == 64)     // 100.64.0.0/10, shared (carrier-grade NAT)
        || (b[0] == 169 && b[1] == 254)             // link-local, cloud metadata
        || (b[0] == 172 && (b[1] & 0xf0) == 16)     // private
        || (b[0] == 192 && b[1] == 0 && b[2] == 0)  // IETF protocol assignments
        || (b[0] == 192 && b[1] == 0 && b[2] == 2)  // documentation
        || (b[0] == 192 && b[1] == 168)             // private
        || (b[0] == 198 && (b[1] & 0xfe) == 18)     // benchmarking
        || (b[0] == 198 && b[1] == 51 && b[2] == 100) || (b[0] == 203 && b[1] == 0 && b[2] == 113) // documentation
        || b[0] >= 224;                             // multicast, reserved, broadcast

    /// <summary>
    /// The connection of every webhook delivery: the host is resolved here and each address checked before connecting,
    /// so DNS answers that changed since the URL was saved cannot reach inside. No proxy (it would hide the target).
    /// </summary>
    public static SocketsHttpHandler Handler(bool allowPrivate) => new()
    {
        AllowAutoRedirect = false,
        UseProxy = false,
        UseCookies = false,
        ConnectTimeout = TimeSpan.FromSeconds(10),
        PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        ConnectCallback = async (context, ct) =>
        {
            var host = context.DnsEndPoint.Host.Trim('[', ']');
            var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, ct);
            if (!allowPrivate && addresses.FirstOrDefault(IsInternal) is { } inside)
                throw new TargetRefusedException($"{host} resolves to {inside}, an internal address; not posted to.");
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(addresses, context.DnsEndPoint.Port, ct);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };
}

public sealed class TargetRefusedException(string message) : Exception(message);
