using LinqToDB;
using LinqToDB.Data;

namespace Arkyn.Infrastructure.Database;

/// <summary>The data context: one per request scope. Slices query its tables directly.</summary>
public sealed class Db(DataOptions options) : DataConnection(options)
{
    public ITable<UserRow> Users => this.GetTable<UserRow>();
    public ITable<AppSettingRow> AppSettings => this.GetTable<AppSettingRow>();

    public bool IsPostgres => DataProvider.Name.StartsWith("PostgreSQL", StringComparison.Ordinal);
}
