namespace Arkyn.Infrastructure.Database;

/// <summary>Where a window's rows are counted: row by row, or grouped by the database.</summary>
public interface IWindowTallies
{
    /// <summary>The series' first bucket start and bucket width, when a series was asked for.</summary>
    (long First, long Step)? Buckets { get; }

    void Add(ReadOnlySpan<char> pathnameId, ReadOnlySpan<char> method, int status, double elapsedTime, long createdAt);

    /// <summary>A (pathname id, method) group counted by the database.</summary>
    void Add(string pathnameId, string method, int errors, int fatals, double[] elapsedTimes);

    /// <summary>A series bucket counted by the database.</summary>
    void AddBucket(int bucket, int errors, int fatals, double[] elapsedTimes);
}
