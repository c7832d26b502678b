using LinqToDB;

namespace Arkyn.Infrastructure.Database;

/// <summary>
/// Reads the rows of a stats window into an <see cref="IWindowTallies"/>, each engine in its fastest way
/// (<see cref="Sqlite.SqliteStatsWindowReader"/>, <see cref="Postgres.PostgresStatsWindowReader"/>); chosen at start-up
/// by Database:Provider. The query is linq2db's (the stats slice's filters, those of the record list), selecting
/// pathname id, method, status, elapsed time and, when <see cref="IWindowTallies.Buckets"/> is set, created at.
/// </summary>
public interface IStatsWindowReader
{
    Task ReadAsync(Db db, QuerySql query, IWindowTallies tallies, CancellationToken ct);
}

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
