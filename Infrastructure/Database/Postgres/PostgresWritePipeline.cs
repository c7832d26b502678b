using System.Runtime.CompilerServices;
using Npgsql;

namespace Arkyn.Infrastructure.Database.Postgres;

/// <summary>
/// A group's statements sent to PostgreSQL together instead of one round trip per write. The group's writes are
/// started in turn; each runs up to its first statement, which waits here (<see cref="ExecuteAsync"/>) instead of
/// being sent. Then every waiting statement goes in one batch, and each write is given its result and goes on, one
/// write at a time, up to its next statement or its end; again until no statement waits. Usually that is one round
/// trip for the group; a write with a stale pathname id takes a second, and find-or-create its own.
/// <para>
/// Only one write at a time is ever running, so one that uses the connection directly (find-or-create of a
/// pathname) has it to itself. A write must await each statement before its next and before any query of its own
/// (a query while its statement waits would meet the batch on the connection, which Npgsql refuses: the group then
/// fails and runs again without a pipeline). Such a query runs before statements that earlier writes left waiting;
/// that is safe because those only insert requests, responses and traffic rows, and the queries only read and
/// write domains and pathnames.
/// </para>
/// </summary>
public sealed class PostgresWritePipeline
{
    static readonly ConditionalWeakTable<Db, PostgresWritePipeline> Open = new();

    readonly List<Waiting> waiting = [];
    TaskCompletionSource settled = new();
    int running;
    Exception? failure;

    readonly record struct Waiting(int Write, NpgsqlBatchCommand[] Statements, TaskCompletionSource<int> Result);

    /// <summary>
    /// One write's statements, in order and in one round trip: in the group's batch when <paramref name="writer"/> is
    /// running a group (<see cref="RunGroupAsync"/>), else now. Their rows affected, summed.
    /// </summary>
    public static Task<int> ExecuteAsync(Db writer, params NpgsqlBatchCommand[] statements) =>
        Open.TryGetValue(writer, out var pipeline) ? pipeline.Wait(statements) : SendOneAsync(writer, statements);

    /// <summary>Runs a group's writes on <paramref name="writer"/>, inside its open transaction; the first failure, or null.</summary>
    public static async Task<Exception?> RunGroupAsync(Db writer, IReadOnlyList<Func<Task>> writes)
    {
        var pipeline = new PostgresWritePipeline();
        Open.AddOrUpdate(writer, pipeline);
        try
        {
            for (var i = 0; i < writes.Count; i++)
            {
                var settled = pipeline.Advance(i);
                _ = pipeline.RunToEndAsync(writes[i]);
                await settled;
                if (pipeline.failure is not null) return pipeline.failure;
            }
            while (pipeline.waiting.Count > 0)
            {
                var sent = pipeline.waiting.ToArray();
                pipeline.waiting.Clear();
                int[] affected;
                try
                {
                    affected = await SendAsync(writer, sent);
                }
                catch (Exception e)
                {
                    // PostgreSQL has aborted the transaction; the writes still waiting are left unfinished (nothing
                    // refers to them any more), and GroupCommit rolls back and runs the group again.
                    return e;
                }
                for (var k = 0; k < sent.Length; k++)
                {
                    var settled = pipeline.Advance(sent[k].Write);
                    sent[k].Result.SetResult(affected[k]);
                    await settled;
                    if (pipeline.failure is not null) return pipeline.failure;
                }
            }
            // Nothing waits: every write has ended.
            return null;
        }
        finally
        {
            Open.Remove(writer);
        }
    }

    /// <summary>Write <paramref name="write"/> is about to run: the task completes when it waits here or ends.</summary>
    Task Advance(int write)
    {
        running = write;
        settled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return settled.Task;
    }

    /// <summary>Never throws: a failure is kept for <see cref="RunGroupAsync"/>, which looks after each step.</summary>
    async Task RunToEndAsync(Func<Task> write)
    {
        try
        {
            await write();
        }
        catch (Exception e)
        {
            failure = e;
        }
        settled.TrySetResult();
    }

    Task<int> Wait(NpgsqlBatchCommand[] statements)
    {
        // A write that sent a second statement before the first's result would wait for ever: it is refused instead.
        if (settled.Task.IsCompleted && waiting.Count > 0 && waiting[^1].Write == running)
            throw new InvalidOperationException("A write in a pipeline must wait for each statement before its next.");
        var result = new TaskCompletionSource<int>();
        waiting.Add(new Waiting(running, statements, result));
        settled.TrySetResult();
        return result.Task;
    }

    static async Task<int> SendOneAsync(Db writer, NpgsqlBatchCommand[] statements) =>
        (await SendAsync(writer, [new Waiting(0, statements, null!)]))[0];

    static async Task<int[]> SendAsync(Db writer, Waiting[] writes)
    {
        var connection = (NpgsqlConnection)await writer.OpenDbConnectionAsync(CancellationToken.None);
        await using var batch = new NpgsqlBatch(connection, (NpgsqlTransaction?)writer.Transaction);
        foreach (var write in writes)
            foreach (var statement in write.Statements) batch.BatchCommands.Add(statement);
        await batch.ExecuteNonQueryAsync();
        var affected = new int[writes.Length];
        for (var i = 0; i < writes.Length; i++)
            foreach (var statement in writes[i].Statements) affected[i] += statement.RecordsAffected;
        return affected;
    }
}
