using System.Data;
using System.Data.Common;
using LinqToDB.Mapping;

namespace Arkyn.Infrastructure.Database;

/// <summary>
/// INSERT of whole rows of a mapped table as fixed SQL, built once from the linq2db mapping of <typeparamref name="T"/>
/// (so a column added to the row class is written here too). Parameters are named <c>@{prefix}{column}</c>.
/// Engine-neutral: the engines' <see cref="IHotWrites"/> run it, each in its fastest way.
/// </summary>
public sealed class RowInsert<T> where T : class
{
    static RowInsert<T>? instance;

    readonly ColumnDescriptor[] columns;
    readonly DbType[] types;
    readonly System.Collections.Concurrent.ConcurrentDictionary<string, string[]> parameterNames = new();

    public string Table { get; }
    public string ColumnList { get; }

    RowInsert(MappingSchema mapping)
    {
        var entity = mapping.GetEntityDescriptor(typeof(T));
        Table = entity.Name.Name;
        columns = entity.Columns.Where(c => !c.SkipOnInsert && !c.IsIdentity).ToArray();
        types = columns.Select(c => TypeOf(c.MemberType)).ToArray();
        ColumnList = string.Join(", ", columns.Select(c => c.ColumnName));
        Sql = InsertSql("");
    }

    /// <summary>INSERT … VALUES of one row, parameters without a prefix.</summary>
    public string Sql { get; }

    public static RowInsert<T> Of(Db db) => instance ??= new RowInsert<T>(db.MappingSchema);

    /// <summary>The parameter list, e.g. "@q_id, @q_user_id, …", in column order.</summary>
    public string Values(string prefix) => string.Join(", ", columns.Select(c => "@" + prefix + c.ColumnName));

    public string InsertSql(string prefix) => $"INSERT INTO {Table} ({ColumnList}) VALUES ({Values(prefix)})";

    public int ParameterCount => columns.Length;

    /// <summary>The value of column <paramref name="index"/> (in column order) of <paramref name="row"/>.</summary>
    public object? Value(int index, T row) => columns[index].MemberAccessor.GetValue(row);

    /// <summary>Adds this row's parameters to <paramref name="command"/>.</summary>
    public void Bind(DbCommand command, string prefix, T row)
    {
        var names = parameterNames.GetOrAdd(prefix, p => columns.Select(c => "@" + p + c.ColumnName).ToArray());
        for (var i = 0; i < columns.Length; i++) command.Parameter(names[i], types[i], Value(i, row));
    }

    /// <summary>Sets the values of parameters added by <see cref="Bind"/> (at <paramref name="offset"/>) to another row's: one prepared statement, many rows.</summary>
    public void Rebind(DbCommand command, int offset, T row)
    {
        for (var i = 0; i < columns.Length; i++) command.Parameters[offset + i].Value = Value(i, row) ?? DBNull.Value;
    }

    /// <summary>Binds a cached command (<see cref="HotQueries.CachedCommandAsync"/>): adds the parameters when fresh, else sets their values.</summary>
    public void BindOrRebind(DbCommand command, bool fresh, string prefix, int offset, T row)
    {
        if (fresh) Bind(command, prefix, row);
        else Rebind(command, offset, row);
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
