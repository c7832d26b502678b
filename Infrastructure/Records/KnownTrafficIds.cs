namespace Arkyn.Infrastructure.Records;

/// <summary>
/// Domain and pathname ids recently found or created, so the usual ingested record needs no lookup. An entry may be
/// stale (its row deleted since, or created in a transaction that was rolled back): whoever uses one must verify it
/// where nothing can delete it before it is relied on (see RecordWriter: both ids are checked in the traffic insert's
/// statement, or on SQLite under the writer's lock, and when one is gone they are forgotten and found or created
/// again). Bounded: it empties itself when it grows past <see cref="MaxEntries"/> entries.
/// </summary>
public sealed class KnownTrafficIds
{
    public const int MaxEntries = 50_000;

    readonly System.Collections.Concurrent.ConcurrentDictionary<(string Source, string Value, string Protocol), string> domains = new();
    readonly System.Collections.Concurrent.ConcurrentDictionary<(string DomainId, string Value), string> pathnames = new();

    public bool TryGet(string sourceId, string domain, string protocol, string pathname, out string domainId, out string pathnameId)
    {
        pathnameId = "";
        return domains.TryGetValue((sourceId, domain, protocol), out domainId!) && pathnames.TryGetValue((domainId, pathname), out pathnameId!);
    }

    public void Remember(string sourceId, string domain, string protocol, string domainId, string pathname, string pathnameId)
    {
        if (domains.Count >= MaxEntries) domains.Clear();
        if (pathnames.Count >= MaxEntries) pathnames.Clear();
        domains[(sourceId, domain, protocol)] = domainId;
        pathnames[(domainId, pathname)] = pathnameId;
    }

    public void Forget(string sourceId, string domain, string protocol, string domainId, string pathname)
    {
        domains.TryRemove((sourceId, domain, protocol), out _);
        pathnames.TryRemove((domainId, pathname), out _);
    }
}
