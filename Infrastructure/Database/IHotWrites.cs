namespace Arkyn.Infrastructure.Database;

/// <summary>
/// The writes of the ingest routes, run on the group-commit writer (<see cref="GroupCommit"/>) inside its transaction,
/// each engine in its fastest way (<see cref="Sqlite.SqliteHotWrites"/>, <see cref="Postgres.PostgresHotWrites"/>).
/// One implementation is chosen at start-up by Database:Provider. Not LINQ: measured, linq2db costs several times the
/// CPU of these statements even compiled (docs/internals.md, "One data layer").
/// </summary>
public interface IHotWrites
{
    /// <summary>How many group-commit writers run at once (<see cref="GroupCommit"/>), each on its own connection.</summary>
    int Writers { get; }

    /// <summary>
    /// Runs a group's writes on <paramref name="writer"/>, inside its open transaction, and stops at the first that
    /// fails: that failure, or null. SQLite runs them in turn; PostgreSQL sends their statements together
    /// (<see cref="Postgres.PostgresWritePipeline"/>: a write awaits each statement before its next, and before any
    /// query of its own).
    /// </summary>
    Task<Exception?> RunGroupAsync(Db writer, IReadOnlyList<Func<Task>> writes);

    /// <summary>Releases what the engine keeps prepared for <paramref name="writer"/>; before its connection is closed for good.</summary>
    void ForgetStatements(Db writer);

    Task InsertRequestAsync(Db writer, RequestRow row, CancellationToken ct);

    Task InsertResponseAsync(Db writer, ResponseRow row, CancellationToken ct);

    Task InsertTrafficAsync(Db writer, HttpTrafficRow row, CancellationToken ct);

    /// <summary>
    /// Stores the traffic row only when its source is <paramref name="callerId"/>'s, its domain and pathname are of
    /// that source, and its request and response are the caller's (the user's, or the ingest key's when
    /// <paramref name="keyId"/> is set); false when refused. The unique indexes on request_id and response_id turn a
    /// concurrent second attach into a unique violation.
    /// </summary>
    Task<bool> InsertTrafficWhenReferencesHoldAsync(Db writer, HttpTrafficRow row, string callerId, string? keyId, CancellationToken ct);

    /// <summary>
    /// Stores one record's request and response, and its traffic row when its domain and pathname still exist
    /// (checked only when <paramref name="verifyIds"/>: ids taken from a cache may be stale); false when the traffic
    /// row was not stored for that reason. The request and response are stored either way: the caller then stores the
    /// traffic row alone with <see cref="InsertTrafficAsync"/>, once it has fresh ids.
    /// </summary>
    Task<bool> InsertRecordAsync(Db writer, RequestRow request, ResponseRow response, HttpTrafficRow traffic, bool verifyIds, CancellationToken ct);

    /// <summary>The rows of many records (a batch), requests and responses before the traffic rows that refer to them.</summary>
    Task InsertRecordsAsync(Db writer, IReadOnlyList<RequestRow> requests, IReadOnlyList<ResponseRow> responses, IReadOnlyList<HttpTrafficRow> traffic, CancellationToken ct);
}
