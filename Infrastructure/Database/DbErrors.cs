using Microsoft.Data.Sqlite;
using Npgsql;

namespace Arkyn.Infrastructure.Database;

public static class DbErrors
{
    /// <summary>True when a unique index or primary key refused the write: the race was lost to another writer.</summary>
    public static bool IsUniqueViolation(Exception e) => e switch
    {
        SqliteException s => s.SqliteExtendedErrorCode is 2067 or 1555,
        PostgresException p => p.SqlState == PostgresErrorCodes.UniqueViolation,
        _ => e.InnerException is not null && IsUniqueViolation(e.InnerException),
    };

    /// <summary>
    /// True when the database gave up on the transaction for reasons of its own (a deadlock with another writer, a
    /// serialization failure, SQLite busy past its timeout): running it again may well succeed.
    /// </summary>
    public static bool IsTransient(Exception e) => e switch
    {
        SqliteException s => s.SqliteErrorCode is 5 or 6,
        PostgresException p => p.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure,
        _ => e.InnerException is not null && IsTransient(e.InnerException),
    };
}
