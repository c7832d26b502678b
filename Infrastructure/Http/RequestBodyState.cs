namespace Arkyn.Infrastructure.Http;

/// <summary>
/// How far the server got with a request's body, and what it must answer about the connection. Kept per request as
/// a feature so that the body limits, the bytes-in-flight budget and the answer's Connection header see the same numbers.
/// </summary>
public sealed class RequestBodyState
{
    /// <summary>Bytes read from the wire (compressed bytes when the body is compressed).</summary>
    public long WireBytesRead { get; set; }

    /// <summary>True once the body was read to its end, so Kestrel has nothing left to drain.</summary>
    public bool Finished { get; set; }

    /// <summary>True once anything asked for the body: then Kestrel has answered an Expect: 100-continue.</summary>
    public bool ReadStarted { get; set; }

    /// <summary>True when the request named a Content-Encoding (the decompression middleware removes the header).</summary>
    public bool Encoded { get; init; }

    /// <summary>This request's share of the ingest budget, when it took one.</summary>
    public BytesInFlight.Lease? Lease { get; set; }
}
