using System.IO.Compression;
using System.Security.Cryptography;

namespace Arkyn.Features.Dashboard;

/// <summary>One file of the dashboard as served: its bytes, a content hash for the ETag, and compressed forms made on first use.</summary>
public sealed class DashboardAsset
{
    readonly Lazy<byte[]> brotli;
    readonly Lazy<byte[]> gzip;

    public DashboardAsset(string contentType, byte[] bytes)
    {
        ContentType = contentType;
        Bytes = bytes;
        Hash = Convert.ToHexStringLower(SHA256.HashData(bytes))[..20];
        // Compressed once, at the strongest level: the files are small and the result is kept for the process's life.
        brotli = new(() => Compress(bytes, s => new BrotliStream(s, CompressionLevel.SmallestSize)));
        gzip = new(() => Compress(bytes, s => new GZipStream(s, CompressionLevel.SmallestSize)));
    }

    public string ContentType { get; }
    public byte[] Bytes { get; }
    public string Hash { get; }
    public byte[] Brotli => brotli.Value;
    public byte[] Gzip => gzip.Value;

    static byte[] Compress(byte[] bytes, Func<Stream, Stream> encoder)
    {
        using var output = new MemoryStream();
        using (var stream = encoder(output)) stream.Write(bytes);
        return output.ToArray();
    }
}
