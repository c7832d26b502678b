using System.Data;
using System.Data.Common;
using LinqToDB.Mapping;

namespace Arkyn.Infrastructure.Database;

/// <summary>
/// INSERT of whole rows of a mapped table as fixed SQL, built once from the linq2db mapping of <typeparamref name="T"/>
/// (so a column added to the row class is written here too).
/// Engine-neutral: the engines' <see cref="IHotWrites"/> run it, each in its fastest way.
/// </summary>
public sealed class RowInsert<T> where T : class
{
    static RowInsert<T>? instance;

    readonly ColumnDescriptor[] columns;
    readonly DbType[] types;

    public string Table { get; }
    public string ColumnList { get; }

    RowInsert(MappingSchema mapping)
    {
        var entity = mapping.GetEntityDescriptor(typeof(T));
        Table = entity.Name.Name;
        columns = entity.Columns.Where(c => !c.SkipOnInsert && !c.IsIdentity).ToArray();
        types = columns.Select(c => TypeOf(c.MemberType)).ToArray();
        ColumnList = string.Join(", ", columns.Select(c => c.ColumnName));
        Positions = string.Join(", ", columns.Select((_, i) => "$" + (i + 1)));
        Sql = $"INSERT INTO {Table} ({ColumnList}) VALUES ({Positions})";
    }

    /// <summary>
    /// INSERT … VALUES of one row, parameters $1, $2, … in column order: bound by index on SQLite, positional on
    /// PostgreSQL (<see cref="BindPositions"/>), so Npgsql sends the SQL as it is.
    /// </summary>
    public string Sql { get; }

    public static RowInsert<T> Of(Db db) => instance ??= new RowInsert<T>(db.MappingSchema);

    public int ParameterCount => columns.Length;

    /// <summary>The value of column <paramref name="index"/> (in column order) of <paramref name="row"/>.</summary>
    public object? Value(int index, T row) => columns[index].MemberAccessor.GetValue(row);

    /// <summary>The placeholders $1, $2, … of the columns, in column order.</summary>
    public string Positions { get; }

    /// <summary>The placeholder of <paramref name="column"/> in <see cref="Positions"/>.</summary>
    public string Position(string column)
    {
        var index = Array.FindIndex(columns, c => c.ColumnName == column);
        if (index < 0) throw new ArgumentException($"{Table} has no column {column}.", nameof(column));
        return "$" + (index + 1);
    }

    /// <summary>Adds this row's values to <paramref name="statement"/> as positional parameters, in column order.</summary>
    public void BindPositions(DbBatchCommand statement, T row)
    {
        for (var i = 0; i < columns.Length; i++)
        {
            var parameter = statement.CreateParameter();
            parameter.DbType = types[i];
            parameter.Value = Value(i, row) ?? DBNull.Value;
            statement.Parameters.Add(parameter);
        }
    }

    static DbType TypeOf(Type type) => (Nullable.GetUnderlyingType(type) ?? type) switch
    {
        var t when t == typeof(string) => DbType.String,
        var t when t == typeof(long) => DbType.Int64,
        var t when t == typeof(int) => DbType.Int32,
        var t when t == typeof(double) => DbType.Double,
        var t when t == typeof(bool) => DbType.Boolean,
        var t => throw new NotSupportedException($"RowInsert: no parameter type for {t} ({typeof(T).Name})."),
    };
}
