using System.Buffers;
using System.Text;
using LinqToDB.Data;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Arkyn.Infrastructure.Database.Sqlite;

/// <summary>
/// SQLite: the window's rows streamed into the tallies with the statement stepped through SQLitePCL directly (rather
/// than linq2db materialisation, which cost about 2 µs of CPU a row): the text columns are read as bytes and the
/// per-call checks of the ADO.NET reader are skipped (a million rows a call).
/// </summary>
public sealed class SqliteStatsWindowReader : IStatsWindowReader
{
    public async Task ReadAsync(Db connection, QuerySql query, IWindowTallies tallies, CancellationToken ct)
    {
        var db = ((SqliteConnection)await connection.OpenDbConnectionAsync(ct)).Handle!;
        Check(db, raw.sqlite3_prepare_v2(db, query.Sql, out var statement));
        using (statement)
        {
            foreach (var p in query.Parameters)
            {
                var index = raw.sqlite3_bind_parameter_index(statement, "@" + p.Name);
                if (index == 0) throw new InvalidOperationException($"No parameter @{p.Name} in the stats query.");
                Check(db, p.Value switch
                {
                    null => raw.sqlite3_bind_null(statement, index),
                    string s => raw.sqlite3_bind_text(statement, index, s),
                    int i => raw.sqlite3_bind_int64(statement, index, i),
                    long l => raw.sqlite3_bind_int64(statement, index, l),
                    double d => raw.sqlite3_bind_double(statement, index, d),
                    var other => throw new InvalidOperationException($"Unexpected parameter type {other.GetType()} in the stats query."),
                });
            }

            var withCreatedAt = raw.sqlite3_column_count(statement) > 4;
            var chars = ArrayPool<char>.Shared.Rent(256);
            try
            {
                int rc, rows = 0;
                while ((rc = raw.sqlite3_step(statement)) == raw.SQLITE_ROW)
                {
                    if ((++rows & 0xFFFF) == 0) ct.ThrowIfCancellationRequested();
                    var pathnameId = Text(raw.sqlite3_column_blob(statement, 0), chars, 0);
                    var method = Text(raw.sqlite3_column_blob(statement, 1), chars, 128);
                    tallies.Add(chars.AsSpan(0, pathnameId), chars.AsSpan(128, method), raw.sqlite3_column_int(statement, 2),
                        raw.sqlite3_column_double(statement, 3), withCreatedAt ? raw.sqlite3_column_int64(statement, 4) : 0);
                }
                if (rc != raw.SQLITE_DONE) Check(db, rc);
            }
            finally
            {
                ArrayPool<char>.Shared.Return(chars);
            }
        }
    }

    /// <summary>Decodes UTF-8 into chars[offset..offset+128); ids and methods are far shorter.</summary>
    static int Text(ReadOnlySpan<byte> utf8, char[] chars, int offset)
    {
        if (utf8.Length > 128) throw new InvalidOperationException("A stats key column is longer than 128 bytes.");
        return Encoding.UTF8.GetChars(utf8, chars.AsSpan(offset, 128));
    }

    static void Check(sqlite3 db, int rc)
    {
        if (rc is not (raw.SQLITE_OK or raw.SQLITE_DONE or raw.SQLITE_ROW))
            throw new SqliteException(raw.sqlite3_errmsg(db).utf8_to_string(), rc);
    }
}
