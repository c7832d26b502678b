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
