using System.Threading.Channels;
using LinqToDB.Data;

namespace Arkyn.Infrastructure.Database;

/// <summary>
/// Group commit for the hot write paths. Concurrent writes queue here; one writer runs as many as are waiting in a
/// single transaction, commits once, and only then answers each caller. One commit, and on SQLite one fsync, serves
/// a whole group instead of one write, and SQLite writers stop contending for its single write lock.
/// <para>
/// A group is first run as it is, with no savepoint per write (<see cref="IHotWrites.RunGroupAsync"/>; on PostgreSQL
/// the statements of the whole group in one round trip): each SAVEPOINT/RELEASE pair costs two statements (two round
/// trips on PostgreSQL) per write, and writes nearly always succeed. When any write of the group fails,
/// that transaction is rolled back (nothing of it was committed, nobody was answered) and the whole group runs again
/// in a new transaction, each write inside its own savepoint, so a failing write undoes only itself and every
/// caller gets exactly its own answer. The writes are functions of their inputs, so running one twice is safe.
/// </para>
/// <para>
/// Several servers on one PostgreSQL each have their own writer, and two groups that create the same new pathnames
/// in different orders deadlock; PostgreSQL then aborts one of them. That failure (like a serialization failure or
/// SQLite's busy) says nothing about the writes, so the aborted transaction is run again, after a short random
/// pause, up to <see cref="MaxAttempts"/> times, before any caller is answered.
/// </para>
/// <para>
/// The engine says how many writers take groups from the queue (<see cref="IHotWrites.Writers"/>): one on SQLite,
/// which has one write lock, several on PostgreSQL, where one writer spends most of its time waiting for a round trip
/// or a commit's flush while the others' groups run.
/// </para>
/// </summary>
public sealed class GroupCommit(DataOptions options, IHotWrites writes, ILogger<GroupCommit> log) : BackgroundService
{
    const int MaxGroup = 256;
    const int MaxAttempts = 5;

    readonly Channel<Work> queue = Channel.CreateUnbounded<Work>(new UnboundedChannelOptions { SingleReader = writes.Writers == 1 });

    /// <summary>Runs <paramref name="write"/> on the writer's connection, inside a transaction; completes after that transaction commits.</summary>
    public Task<T> RunAsync<T>(Func<Db, CancellationToken, Task<T>> write)
    {
        var work = new Work<T>(write);
        if (!queue.Writer.TryWrite(work)) throw new InvalidOperationException("The server is shutting down.");
        return work.Task;
    }

    public Task RunAsync(Func<Db, CancellationToken, Task> write) => RunAsync<bool>(async (db, ct) =>
    {
        await write(db, ct);
        return true;
    });

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, writes.Writers).Select(_ => new Writer(queue, options, writes, log).RunAsync(stoppingToken)));

    /// <summary>One writer: takes what is waiting (up to <see cref="MaxGroup"/>), runs it as one transaction, and again.</summary>
    sealed class Writer(Channel<Work> queue, DataOptions options, IHotWrites writes, ILogger log)
    {
        public async Task RunAsync(CancellationToken stoppingToken)
        {
            var group = new List<Work>(MaxGroup);
            while (await queue.Reader.WaitToReadAsync(CancellationToken.None))
            {
                while (group.Count < MaxGroup && queue.Reader.TryRead(out var work)) group.Add(work);
                if (group.Count > 0) await CommitAsync(group);
                group.Clear();
                if (stoppingToken.IsCancellationRequested) queue.Writer.TryComplete();
            }
            await DropConnectionAsync();
        }

        /// <summary>
        /// The writer's own connection, kept open from group to group: no pool round trip (and, on SQLite, no
        /// PRAGMA foreign_keys) per group, and the hot statements stay prepared on it (<see cref="Sqlite.SqliteStatement"/>,
        /// Npgsql's automatic preparation).
        /// Replaced after any failure that may have left it in doubt.
        /// </summary>
        Db? connection;
        bool connectionInDoubt;

        async Task CommitAsync(List<Work> group)
        {
            try
            {
                for (var attempt = 1; ; attempt++)
                {
                    var failure = await TryWholeGroupAsync(group);
                    if (failure is null) break;
                    if (DbErrors.IsTransient(failure) && attempt < MaxAttempts)
                    {
                        await PauseBeforeRetryAsync(attempt);
                        continue;
                    }
                    if (group.Count == 1) group[0].Failed = failure;
                    else await EachInItsSavepointAsync(group);
                    break;
                }
            }
            catch (Exception e)
            {
                log.LogError(e, "A group of {Count} writes could not be committed", group.Count);
                foreach (var work in group) work.Failed ??= e;
                await DropConnectionAsync();
            }
            foreach (var work in group) work.Answer();
        }

        async Task<Db> ConnectionAsync()
        {
            if (connectionInDoubt) await DropConnectionAsync();
            connection ??= new Db(options);
            await connection.OpenDbConnectionAsync(CancellationToken.None);
            return connection;
        }

        async Task DropConnectionAsync()
        {
            connectionInDoubt = false;
            if (connection is null) return;
            var old = connection;
            connection = null;
            try
            {
                writes.ForgetStatements(old);
                await old.DisposeAsync();
            }
            catch (Exception e)
            {
                log.LogDebug(e, "Closing the group-commit connection failed");
            }
        }

        /// <summary>
        /// The usual case: every write of the group in one transaction, no savepoints. Null when it committed; else the
        /// failure of the write that failed, the transaction rolled back.
        /// </summary>
        async Task<Exception?> TryWholeGroupAsync(List<Work> group)
        {
            var db = await ConnectionAsync();
            await using var tx = await db.BeginTransactionAsync();
            var failure = await writes.RunGroupAsync(db, group.Select(work => (Func<Task>)(() => work.RunAsync(db))).ToList());
            if (failure is not null)
            {
                await RollBackAsync(tx);
                return failure;
            }
            await tx.CommitAsync();
            return null;
        }

        /// <summary>After a failure: each write in its own savepoint, so a failing write undoes only itself.</summary>
        async Task EachInItsSavepointAsync(List<Work> group)
        {
            var db = await ConnectionAsync();
            await using var tx = await db.BeginTransactionAsync();
            foreach (var work in group)
            {
                for (var attempt = 1; ; attempt++)
                {
                    await db.ExecuteAsync("SAVEPOINT group_write");
                    try
                    {
                        await work.RunAsync(db);
                        await db.ExecuteAsync("RELEASE SAVEPOINT group_write");
                        work.Failed = null;
                        break;
                    }
                    catch (Exception e)
                    {
                        await db.ExecuteAsync("ROLLBACK TO SAVEPOINT group_write");
                        await db.ExecuteAsync("RELEASE SAVEPOINT group_write");
                        work.Failed = e;
                        if (!DbErrors.IsTransient(e) || attempt == MaxAttempts) break;
                        await PauseBeforeRetryAsync(attempt);
                    }
                }
            }
            await tx.CommitAsync();
        }

        static Task PauseBeforeRetryAsync(int attempt) => Task.Delay(Random.Shared.Next(5, 25) * attempt);

        async Task RollBackAsync(DataConnectionTransaction tx)
        {
            // Some SQLite errors (a full disk, an I/O error) already ended the transaction; the connection is then
            // replaced before its next use, which ends whatever is left.
            try
            {
                await tx.RollbackAsync();
            }
            catch (Exception e)
            {
                log.LogDebug(e, "Rollback after a failed group write failed");
                connectionInDoubt = true;
            }
        }
    }

    public override Task StopAsync(CancellationToken cancellationToken)
    {
        queue.Writer.TryComplete();
        return base.StopAsync(cancellationToken);
    }

    abstract class Work
    {
        public Exception? Failed { get; set; }
        public abstract Task RunAsync(Db db);
        public abstract void Answer();
    }

    sealed class Work<T>(Func<Db, CancellationToken, Task<T>> write) : Work
    {
        readonly TaskCompletionSource<T> answer = new(TaskCreationOptions.RunContinuationsAsynchronously);
        T result = default!;

        public Task<T> Task => answer.Task;

        public override async Task RunAsync(Db db) => result = await write(db, CancellationToken.None);

        public override void Answer()
        {
            if (Failed is null) answer.SetResult(result);
            else answer.SetException(Failed);
        }
    }
}
