using LinqToDB.Data;

namespace Arkyn.Infrastructure.Database.Postgres;

/// <summary>
/// PostgreSQL: the window is grouped where it is stored, one row per (pathname id, method) and, for a series,
/// one per bucket, each with its error counts and its elapsed times as one binary double[]. Streaming every row
/// instead cost the server about 0.86 µs of CPU a row (two strings each) against PostgreSQL's 0.48; percentiles
/// stay exact, as every elapsed time is still read.
/// </summary>
public sealed class PostgresStatsWindowReader : IStatsWindowReader
{
    public async Task ReadAsync(Db db, QuerySql query, IWindowTallies tallies, CancellationToken ct)
    {
        const string Counts = "count(*) FILTER (WHERE w.s >= 400 AND w.s < 500), count(*) FILTER (WHERE w.s >= 500), array_agg(w.e)";
        var series = tallies.Buckets;
        var bucket = series is not { } b ? "" : $"(w.c - {b.First}) / {b.Step}";
        var sql = series is null
            ? $"SELECT 0, w.p, w.m, 0, {Counts} FROM ({query.Sql}) AS w (p, m, s, e) GROUP BY w.p, w.m"
            : $"SELECT GROUPING(w.p), w.p, w.m, {bucket}, {Counts} FROM ({query.Sql}) AS w (p, m, s, e, c) " +
              $"GROUP BY GROUPING SETS ((w.p, w.m), ({bucket}))";
        await using var command = (await db.OpenDbConnectionAsync(ct)).CreateCommand();
        command.CommandText = sql;
        foreach (var p in query.Parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = p.Name;
            parameter.Value = p.Value ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var (errors, fatals, elapsed) = ((int)reader.GetInt64(4), (int)reader.GetInt64(5), reader.GetFieldValue<double[]>(6));
            if (reader.GetInt32(0) == 0) tallies.Add(reader.GetString(1), reader.GetString(2), errors, fatals, elapsed);
            else tallies.AddBucket((int)reader.GetInt64(3), errors, fatals, elapsed);
        }
    }
}
