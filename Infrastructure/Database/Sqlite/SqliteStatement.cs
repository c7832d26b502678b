using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Arkyn.Infrastructure.Database.Sqlite;

/// <summary>
/// A statement of the SQLite writer's hot path, prepared once on its long-lived connection and run through SQLitePCL
/// directly. Microsoft.Data.Sqlite, on every execution, looks each parameter up by name (a UTF-8 copy of the name
/// and a linear search inside SQLite) and copies each text value to a new UTF-8 array; here the positions of the
/// names are read once, and text is bound as the string's own UTF-16 characters. Errors are raised as
/// <see cref="SqliteException"/> with SQLite's codes, like Microsoft.Data.Sqlite's. For one user at a time, like the
/// connection.
/// </summary>
public sealed class SqliteStatement : IDisposable
{
    static readonly ConditionalWeakTable<Db, Dictionary<string, SqliteStatement>> Cache = new();

    readonly sqlite3 db;
    readonly sqlite3_stmt statement;
    readonly Dictionary<string, int> positions = new(StringComparer.Ordinal);

    SqliteStatement(sqlite3 db, string sql)
    {
        this.db = db;
        Check(raw.sqlite3_prepare_v2(db, sql, out statement));
        for (var i = 1; i <= raw.sqlite3_bind_parameter_count(statement); i++)
            if (raw.sqlite3_bind_parameter_name(statement, i).utf8_to_string() is { } name) positions[name] = i;
    }

    /// <summary>The statement for <paramref name="sql"/> on <paramref name="writer"/>'s connection, prepared on first use.</summary>
    public static async Task<SqliteStatement> OfAsync(Db writer, string sql, CancellationToken ct)
    {
        var connection = (SqliteConnection)await writer.OpenDbConnectionAsync(ct);
        var statements = Cache.GetOrCreateValue(writer);
        if (!statements.TryGetValue(sql, out var statement)) statements[sql] = statement = new SqliteStatement(connection.Handle!, sql);
        return statement;
    }

    /// <summary>Finalizes the statements kept for <paramref name="writer"/>; before its connection is closed.</summary>
    public static void Forget(Db writer)
    {
        if (!Cache.TryGetValue(writer, out var statements)) return;
        Cache.Remove(writer);
        foreach (var statement in statements.Values) statement.Dispose();
    }

    /// <summary>Binds <paramref name="value"/> to the parameter named <paramref name="name"/> (with its '@').</summary>
    public SqliteStatement Bind(string name, object? value) => Bind(positions[name], value);

    /// <summary>Binds <paramref name="value"/> at <paramref name="position"/> (1-based, in order of first appearance).</summary>
    public SqliteStatement Bind(int position, object? value)
    {
        Check(value switch
        {
            null => raw.sqlite3_bind_null(statement, position),
            string s => raw.sqlite3_bind_text16(statement, position, s.AsSpan()),
            long l => raw.sqlite3_bind_int64(statement, position, l),
            int i => raw.sqlite3_bind_int64(statement, position, i),
            double d => raw.sqlite3_bind_double(statement, position, d),
            bool b => raw.sqlite3_bind_int64(statement, position, b ? 1 : 0),
            _ => throw new NotSupportedException($"SqliteStatement: no binding for {value.GetType()}."),
        });
        return this;
    }

    /// <summary>Runs the statement to its end; the number of rows it changed.</summary>
    public int Execute()
    {
        var rc = raw.sqlite3_step(statement);
        while (rc == raw.SQLITE_ROW) rc = raw.sqlite3_step(statement);
        Finish(rc);
        return raw.sqlite3_changes(db);
    }

    /// <summary>The first column of the first row as an integer (0 when there is no row).</summary>
    public long Scalar()
    {
        var rc = raw.sqlite3_step(statement);
        var value = rc == raw.SQLITE_ROW ? raw.sqlite3_column_int64(statement, 0) : 0;
        if (rc == raw.SQLITE_ROW) rc = raw.SQLITE_DONE;
        Finish(rc);
        return value;
    }

    void Finish(int rc)
    {
        // The message is read before the reset, which would replace it.
        var error = rc == raw.SQLITE_DONE ? null : Error(rc);
        raw.sqlite3_reset(statement);
        if (error is not null) throw error;
    }

    void Check(int rc)
    {
        if (rc != raw.SQLITE_OK) throw Error(rc);
    }

    SqliteException Error(int rc) =>
        new(raw.sqlite3_errmsg(db).utf8_to_string(), rc, raw.sqlite3_extended_errcode(db));

    public void Dispose() => statement.Dispose();
}
