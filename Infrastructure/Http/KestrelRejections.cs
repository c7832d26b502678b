using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.WebUtilities;

namespace Arkyn.Infrastructure.Http;

/// <summary>
/// Kestrel answers a request it cannot parse (a malformed request line or header: 400, a request line too long: 414,
/// headers too large: 431, headers too slow: 408) itself, before any middleware runs, with an empty body. There is no
/// hook for that answer, so it is rewritten on its way out of the connection into the problem+json every other error
/// has. Kestrel's own answer is recognisable: a 4xx head with Content-Length: 0 and Connection: close, which no
/// answer of the application has (its errors always carry a problem body). The connection still closes after it.
/// </summary>
public static class KestrelRejections
{
    public static void AsProblems(ListenOptions listen)
    {
        // Read at the first connection, not here: this runs while Kestrel's options are being built (a Listen call
        // inside ConfigureKestrel), and asking for them now would build them again, without end.
        var limits = new Lazy<KestrelServerLimits?>(() =>
            listen.ApplicationServices.GetService<Microsoft.Extensions.Options.IOptions<KestrelServerOptions>>()?.Value.Limits);
        listen.Use(next => connection =>
        {
            var transport = connection.Transport;
            connection.Transport = new DuplexPipe(transport.Input, new RejectionWriter(transport.Output, connection.ConnectionId, limits.Value));
            return next(connection);
        });
    }

    sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input => input;
        public PipeWriter Output => output;
    }

    static ReadOnlySpan<byte> ErrorHeadStart => "HTTP/1.1 4"u8;
    static ReadOnlySpan<byte> EndOfHead => "\r\n\r\n"u8;

    /// <summary>
    /// Passes every write through, except one that begins an error head: that is held until Kestrel asks for new memory
    /// or flushes (it may go on writing into memory it was lent after an Advance, so nothing is released sooner), then judged.
    /// </summary>
    sealed class RejectionWriter(PipeWriter inner, string connectionId, KestrelServerLimits? limits) : PipeWriter
    {
        Memory<byte> lent;
        bool lentIsHeld;
        ArrayBufferWriter<byte>? held;

        public override Memory<byte> GetMemory(int sizeHint = 0)
        {
            if (held is not null && (held.WrittenSpan.IndexOf(EndOfHead) >= 0 || held.WrittenCount > 64 * 1024)) Release();
            lentIsHeld = held is not null;
            return lent = lentIsHeld ? held!.GetMemory(sizeHint) : inner.GetMemory(sizeHint);
        }

        public override Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;

        public override void Advance(int bytes)
        {
            var written = lent.Span[..bytes];
            lent = lent[bytes..];
            if (lentIsHeld) held!.Advance(bytes);
            else if (held is null && !written.StartsWith(ErrorHeadStart)) inner.Advance(bytes);
            else
            {
                // Copied out of the lent memory, which is not advanced: the pipe lends it again once this is released.
                held ??= new ArrayBufferWriter<byte>();
                held.Write(written);
            }
        }

        void Release()
        {
            var head = held!.WrittenSpan;
            var output = Rewrite(head) ?? head.ToArray();
            held = null;
            lentIsHeld = false;
            output.CopyTo(inner.GetSpan(output.Length));
            inner.Advance(output.Length);
        }

        byte[]? Rewrite(ReadOnlySpan<byte> bytes)
        {
            var end = bytes.IndexOf(EndOfHead);
            if (end < 0 || end + EndOfHead.Length != bytes.Length) return null;
            var lines = Encoding.ASCII.GetString(bytes[..end]).Split("\r\n");
            if (!lines.Contains("Content-Length: 0") || !lines.Contains("Connection: close")
                || lines[0].Length < 12 || !int.TryParse(lines[0].AsSpan(9, 3), out var status)) return null;
            var problem = new Problem
            {
                Title = ReasonPhrases.GetReasonPhrase(status) is { Length: > 0 } phrase ? phrase : "Error",
                Status = status,
                Detail = Detail(status),
                TraceId = connectionId,
            };
            var body = JsonSerializer.SerializeToUtf8Bytes(problem, ProblemJson.Options);
            var head = new StringBuilder(lines[0]).Append("\r\n");
            foreach (var line in lines.Skip(1).Where(l => l != "Content-Length: 0")) head.Append(line).Append("\r\n");
            head.Append($"Content-Type: {Problem.ContentType}\r\nContent-Length: {body.Length}\r\n\r\n");
            return [.. Encoding.ASCII.GetBytes(head.ToString()), .. body];
        }

        string Detail(int status) => status switch
        {
            StatusCodes.Status408RequestTimeout => "The request headers did not arrive in time.",
            StatusCodes.Status414RequestUriTooLong => $"The request line is longer than {limits?.MaxRequestLineSize} bytes.",
            StatusCodes.Status431RequestHeaderFieldsTooLarge =>
                $"The request headers are larger than {limits?.MaxRequestHeadersTotalSize} bytes, or more than {limits?.MaxRequestHeaderCount}.",
            StatusCodes.Status413PayloadTooLarge => "The request body is too large.",
            _ => "The request is not valid HTTP/1.1: its request line, a header or its framing is malformed.",
        };

        public override ValueTask<FlushResult> FlushAsync(CancellationToken ct = default)
        {
            if (held is not null) Release();
            return inner.FlushAsync(ct);
        }

        public override void CancelPendingFlush() => inner.CancelPendingFlush();

        public override void Complete(Exception? exception = null)
        {
            if (held is not null) Release();
            inner.Complete(exception);
        }

        public override ValueTask CompleteAsync(Exception? exception = null)
        {
            if (held is not null) Release();
            return inner.CompleteAsync(exception);
        }

        public override bool CanGetUnflushedBytes => inner.CanGetUnflushedBytes;

        public override long UnflushedBytes => inner.UnflushedBytes + (held?.WrittenCount ?? 0);
    }
}
