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
}
