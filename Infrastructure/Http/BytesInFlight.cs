namespace Arkyn.Infrastructure.Http;

/// <summary>
/// A budget of request-body bytes the ingest routes hold at once (Ingest:MaxBytesInFlight). A request takes its
/// declared length when it is admitted, and grows its share as its body inflates past that while it is read; its
/// share returns when the answer is sent. A request is refused when the budget is full, except when nothing else is
/// in flight, so that one body as large as the route allows always passes.
/// </summary>
public sealed class BytesInFlight(long max)
{
    public const string Key = "Ingest:MaxBytesInFlight";
    public const long DefaultMax = 3 * 1024 * 1024;

    /// <summary>The share taken by a request whose length is not declared (chunked); it grows as the body is read.</summary>
    const long UndeclaredShare = 64 * 1024;

    long inFlight;

    public long Max => max;

    public long InFlight => Interlocked.Read(ref inFlight);

    public static BytesInFlight From(IConfiguration config) => new(Settings.PositiveLong(config, Key, DefaultMax));

    public Lease? TryAdmit(long? declaredLength)
    {
        var share = Math.Max(declaredLength ?? UndeclaredShare, 1);
        while (true)
        {
            var current = Interlocked.Read(ref inFlight);
            if (current > 0 && current + share > max) return null;
            if (Interlocked.CompareExchange(ref inFlight, current + share, current) == current) return new Lease(this, share);
        }
    }

    public sealed class Lease(BytesInFlight budget, long share) : IDisposable
    {
        long held = share;

        /// <summary>The body has reached this many bytes (uncompressed): hold at least that much.</summary>
        public void Reached(long bytes)
        {
            if (bytes <= held) return;
            Interlocked.Add(ref budget.inFlight, bytes - held);
            held = bytes;
        }

        public void Dispose()
        {
            Interlocked.Add(ref budget.inFlight, -held);
            held = 0;
        }
    }
}
