namespace Arkyn.Infrastructure.Http;

/// <summary>The request body as it comes off the wire, counted into <see cref="RequestBodyState"/>.</summary>
sealed class WireBodyStream(Stream inner, RequestBodyState state, long? declaredLength) : Stream
{
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
    {
        state.ReadStarted = true;
        return Count(await inner.ReadAsync(buffer, ct), buffer.Length);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) => ReadAsync(buffer.AsMemory(offset, count), ct).AsTask();

    public override int Read(byte[] buffer, int offset, int count)
    {
        state.ReadStarted = true;
        return Count(inner.Read(buffer, offset, count), count);
    }

    int Count(int n, int asked)
    {
        state.WireBytesRead += n;
        if ((n == 0 && asked > 0) || state.WireBytesRead == declaredLength) state.Finished = true;
        return n;
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => state.WireBytesRead; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
