using System.Reflection;
using System.Security.Cryptography;
using System.Text;

namespace Arkyn.Features.Dashboard;

/// <summary>
/// The dashboard's files, embedded in the assembly (Arkyn.csproj names them dashboard/…), so the published single file
/// serves them with nothing beside it. Every file but index.html is served under /dashboard/{version}/, where version
/// hashes all of them: a changed file changes every URL, so they can be cached for good.
/// </summary>
public sealed class DashboardAssets
{
    const string ResourcePrefix = "dashboard/";
    const string AssetsToken = "{{assets}}";

    DashboardAssets(string version, DashboardAsset index, Dictionary<string, DashboardAsset> files)
    {
        Version = version;
        Index = index;
        Files = files;
    }

    public string Version { get; }
    public string BasePath => $"/dashboard/{Version}/";
    public DashboardAsset Index { get; }
    /// <summary>By path below the version, e.g. js/main.js.</summary>
    public IReadOnlyDictionary<string, DashboardAsset> Files { get; }

    public static DashboardAssets Load(Assembly assembly)
    {
        var files = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            files[name[ResourcePrefix.Length..].Replace('\\', '/')] = copy.ToArray();
        }
        if (!files.Remove("index.html", out var indexTemplate))
            throw new InvalidOperationException("The dashboard's index.html is not embedded in the assembly.");

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (path, bytes) in files)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(path));
            hash.AppendData(bytes);
        }
        var version = Convert.ToHexStringLower(hash.GetHashAndReset())[..12];
        var index = Encoding.UTF8.GetString(indexTemplate).Replace(AssetsToken, $"/dashboard/{version}");
        return new DashboardAssets(version, new DashboardAsset(ContentTypeOf("index.html"), Encoding.UTF8.GetBytes(index)),
            files.ToDictionary(f => f.Key, f => new DashboardAsset(ContentTypeOf(f.Key), f.Value), StringComparer.Ordinal));
    }

    static string ContentTypeOf(string path) => Path.GetExtension(path) switch
    {
        ".html" => "text/html; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".svg" => "image/svg+xml",
        _ => "text/plain; charset=utf-8",
    };
}
