using System.Collections.Concurrent;

namespace Arkyn.Infrastructure.Auth;

/// <summary>
/// What a credential check found in the database, kept for <see cref="RecheckAfter"/>: a request with a known
/// credential costs no query, and a change made by another server (a deleted user, a revoked key) is seen within
/// that time. A change made by this server is forgotten here at once. Only positive answers are kept, so a credential
/// created a moment ago is never refused from memory.
/// </summary>
public sealed class RecheckedCache<TValue>(TimeProvider clock) where TValue : class
{
    public static readonly TimeSpan RecheckAfter = TimeSpan.FromSeconds(2);
    const int MaxEntries = 100_000;

    readonly ConcurrentDictionary<string, (TValue Value, long At)> entries = new(StringComparer.Ordinal);

    public async ValueTask<TValue?> GetAsync(string key, Func<CancellationToken, Task<TValue?>> load, CancellationToken ct)
    {
        var now = clock.GetTimestamp();
        if (entries.TryGetValue(key, out var entry) && clock.GetElapsedTime(entry.At, now) < RecheckAfter) return entry.Value;
        var value = await load(ct);
        if (value is null) entries.TryRemove(key, out _);
        else
        {
            if (entries.Count >= MaxEntries) entries.Clear(); // a flood of distinct credentials must not grow memory
            entries[key] = (value, now);
        }
        return value;
    }

    public void Forget(string key) => entries.TryRemove(key, out _);

    public void ForgetWhere(Func<TValue, bool> match)
    {
        foreach (var (key, entry) in entries)
            if (match(entry.Value)) entries.TryRemove(key, out _);
    }
}
