using System.Net.Sockets;
using System.Text;

namespace Arkyn.Tests.Infrastructure;

/// <summary>One HTTP/1.1 answer as read off the socket.</summary>
public sealed record RawResponse(int Status, Dictionary<string, string> Headers, string Body)
{
    public string? Header(string name) => Headers.GetValueOrDefault(name);

    public bool ClosesConnection => Header("Connection")?.Contains("close", StringComparison.OrdinalIgnoreCase) == true;

    public override string ToString() => $"{Status} [{string.Join("; ", Headers.Select(h => $"{h.Key}: {h.Value}"))}] {Body}";
}

/// <summary>
/// A bare TCP connection that writes requests byte for byte and reads answers one at a time, as a keep-alive client
/// would: what HttpClient hides (a closed connection it silently replaces, pipelining, 100 Continue) shows here.
/// </summary>
public sealed class RawConnection : IAsyncDisposable
{
    static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    readonly TcpClient tcp;
    readonly NetworkStream stream;
    readonly byte[] buffer = new byte[64 * 1024];
    int start, end;

    RawConnection(TcpClient tcp)
    {
        this.tcp = tcp;
        stream = tcp.GetStream();
    }

    public static async Task<RawConnection> OpenAsync(int port)
    {
        var tcp = new TcpClient { NoDelay = true };
        await tcp.ConnectAsync(System.Net.IPAddress.Loopback, port);
        return new RawConnection(tcp);
    }

    public Task SendAsync(string text) => SendAsync(Encoding.UTF8.GetBytes(text));

    public async Task SendAsync(byte[] bytes)
    {
        using var timeout = new CancellationTokenSource(Patience);
        await stream.WriteAsync(bytes, timeout.Token);
    }

    /// <summary>
    /// Sends while answers are read, as a client streaming a large body does; a server that answers early and closes
    /// may make the write fail, which is then not an error of the test.
    /// </summary>
    public Task SendInBackground(byte[] bytes) => Task.Run(async () =>
    {
        try
        {
            await SendAsync(bytes);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
    });

    /// <summary>The next answer (an interim 1xx counts as one), or null when the connection closes before one starts.</summary>
    public async Task<RawResponse?> ReadResponseAsync()
    {
        using var timeout = new CancellationTokenSource(Patience);
        var statusLine = await ReadLineAsync(timeout.Token);
        if (statusLine is null) return null;
        var parts = statusLine.Split(' ', 3);
        Assert.True(parts.Length >= 2 && parts[0].StartsWith("HTTP/1."), $"not a status line: {statusLine}");
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        while (await ReadLineAsync(timeout.Token) is { Length: > 0 } line)
        {
            var colon = line.IndexOf(':');
            var name = line[..colon].Trim();
            var value = line[(colon + 1)..].Trim();
            headers[name] = headers.TryGetValue(name, out var earlier) ? $"{earlier}, {value}" : value;
        }
        var status = int.Parse(parts[1]);
        var body = new MemoryStream();
        if (status >= 200 && status is not 204 and not 304)
        {
            if (headers.GetValueOrDefault("Transfer-Encoding")?.Contains("chunked") == true)
            {
                while (true)
                {
                    var size = Convert.ToInt32((await ReadLineAsync(timeout.Token))!.Split(';')[0].Trim(), 16);
                    if (size == 0)
                    {
                        while (await ReadLineAsync(timeout.Token) is { Length: > 0 }) { }
                        break;
                    }
                    await ReadExactlyAsync(body, size, timeout.Token);
                    await ReadLineAsync(timeout.Token);
                }
            }
            else if (headers.TryGetValue("Content-Length", out var length))
                await ReadExactlyAsync(body, int.Parse(length), timeout.Token);
        }
        return new RawResponse(status, headers, Encoding.UTF8.GetString(body.ToArray()));
    }

    /// <summary>True when the server closes the connection (an end of stream or a reset) within the patience.</summary>
    public async Task<bool> ClosesAsync()
    {
        using var timeout = new CancellationTokenSource(Patience);
        try
        {
            start = end = 0;
            while (await stream.ReadAsync(buffer, timeout.Token) > 0) { }
            return true;
        }
        catch (IOException)
        {
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    async Task<string?> ReadLineAsync(CancellationToken ct)
    {
        var line = new StringBuilder();
        while (true)
        {
            if (start == end && !await FillAsync(ct)) return line.Length == 0 ? null : throw new IOException($"connection closed mid-line: {line}");
            var b = buffer[start++];
            if (b == '\n') return line.ToString().TrimEnd('\r');
            line.Append((char)b);
        }
    }

    async Task ReadExactlyAsync(MemoryStream into, int count, CancellationToken ct)
    {
        while (count > 0)
        {
            if (start == end && !await FillAsync(ct)) throw new IOException("connection closed mid-body");
            var n = Math.Min(count, end - start);
            into.Write(buffer, start, n);
            start += n;
            count -= n;
        }
    }

    async Task<bool> FillAsync(CancellationToken ct)
    {
        try
        {
            start = 0;
            end = await stream.ReadAsync(buffer, ct);
            return end > 0;
        }
        catch (IOException) when (!ct.IsCancellationRequested)
        {
            end = 0;
            return false;
        }
    }

    public ValueTask DisposeAsync()
    {
        tcp.Dispose();
        return ValueTask.CompletedTask;
    }
}
