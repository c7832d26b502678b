using System.Net.Http.Headers;
using System.Text;
using StandardWebhooks;

namespace Arkyn.Features.Webhooks.Delivery;

/// <summary>
/// Sends the stored outbox. Each server claims a due delivery by a conditional update of its lease (taken only when
/// free or run out), so with several servers on one database each event is sent by one of them, and the claims of
/// a server that died run out and are taken over. A 2xx within 10 s is delivered; anything else is retried with
/// backoff until Alerts:MaxAttempts, then failed, and Alerts:DisableAfterFailures failed events in a row disable the webhook.
/// </summary>
public sealed class Sender(DataOptions options, IHttpClientFactory clients, AlertSettings settings, OutboxSignal signal, TimeProvider clock,
    ILogger<Sender> log) : BackgroundService
{
    public const string ClientName = "webhooks";
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    /// <summary>Longer than any attempt (the 10 s timeout), so a live sender's claim never runs out under it.</summary>
    static readonly TimeSpan Lease = TimeSpan.FromSeconds(60);
    static readonly TimeSpan Poll = TimeSpan.FromSeconds(1);
    const int BatchSize = 32;
    const int Parallelism = 8;

    readonly string owner = Ids.New();

    long Now() => clock.GetUtcNow().ToUnixTimeMilliseconds();

    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            var sent = 0;
            try
            {
                sent = await SendDueAsync(stopping);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                log.LogWarning(e, "Webhook sender: a round failed; retrying");
            }
            // A full batch means more may be due: go on at once.
            if (sent < BatchSize)
                try { await signal.WaitAsync(Poll < settings.EvaluateEvery ? Poll : settings.EvaluateEvery, stopping); }
                catch (OperationCanceledException) { return; }
        }
    }

    async Task<int> SendDueAsync(CancellationToken stopping)
    {
        var now = Now();
        List<string> due;
        await using (var db = new Db(options))
            due = await (from d in db.WebhookDeliveries
                         join w in db.Webhooks on d.WebhookId equals w.Id
                         where d.Status == DeliveryStatus.Pending && d.NextAttemptAt <= now && (d.LeaseUntil == null || d.LeaseUntil < now)
                               && (w.Enabled || d.Type == Outbox.Test)
                         orderby d.NextAttemptAt, d.Id
                         select d.Id).Take(BatchSize).ToListAsync(stopping);
        await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = stopping },
            async (id, ct) => await ClaimAndSendAsync(id, ct));
        return due.Count;
    }

    async Task ClaimAndSendAsync(string deliveryId, CancellationToken stopping)
    {
        await using var db = new Db(options);
        var now = Now();
        var claimed = await db.WebhookDeliveries
            .Where(d => d.Id == deliveryId && d.Status == DeliveryStatus.Pending && d.NextAttemptAt <= now && (d.LeaseUntil == null || d.LeaseUntil < now))
            .Set(d => d.LeaseUntil, now + (long)Lease.TotalMilliseconds).Set(d => d.LeaseOwner, owner)
            .UpdateAsync(stopping);
        if (claimed == 0) return;

        var job = await (from d in db.WebhookDeliveries
                         join e in db.WebhookEvents on d.EventId equals e.Id
                         join w in db.Webhooks on d.WebhookId equals w.Id
                         where d.Id == deliveryId
                         select new { d.Attempts, EventId = e.Id, e.Payload, w.Url, w.Format, w.Secret, WebhookId = w.Id }).FirstOrDefaultAsync(stopping);
        if (job is null) return; // deleted meanwhile

        int? statusCode = null;
        string? error = null;
        try
        {
            (statusCode, error) = await PostAsync(job.Url, job.Format, job.Secret, job.EventId, job.Payload, stopping);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Shutting down mid-send: give the claim back so the next server (or this one restarted) sends it at once.
            await db.WebhookDeliveries.Where(d => d.Id == deliveryId && d.LeaseOwner == owner)
                .Set(d => d.LeaseUntil, (long?)null).Set(d => d.LeaseOwner, (string?)null).UpdateAsync(CancellationToken.None);
            throw;
        }
        await RecordAsync(db, deliveryId, job.WebhookId, job.Attempts + 1, statusCode, error);
    }

    async Task<(int? StatusCode, string? Error)> PostAsync(string url, string format, string secret, string eventId, string payload, CancellationToken stopping)
    {
        var body = Messages.Render(format, payload);
        var timestamp = clock.GetUtcNow();
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("webhook-id", eventId);
        request.Headers.Add("webhook-timestamp", timestamp.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add("webhook-signature", new StandardWebhook(secret).Sign(eventId, timestamp, body));
        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("Arkyn-Webhooks", "1"));
        try
        {
            using var response = await clients.CreateClient(ClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, stopping);
            var code = (int)response.StatusCode;
            return (code, code is >= 200 and <= 299 ? null : $"HTTP {code} {response.ReasonPhrase}".TrimEnd());
        }
        catch (TaskCanceledException) when (!stopping.IsCancellationRequested)
        {
            return (null, $"No answer within {Timeout.TotalSeconds:0} s.");
        }
        catch (HttpRequestException e)
        {
            var cause = e.InnerException is TargetRefusedException refused ? refused.Message : e.InnerException?.Message ?? e.Message;
            return (null, Cut(cause, 500));
        }
    }

    /// <summary>The attempt's outcome, and the webhook's failure count, in one transaction; only while the claim is still ours.</summary>
    async Task RecordAsync(Db db, string deliveryId, string webhookId, int attempts, int? statusCode, string? error)
    {
        var now = Now();
        var delivered = error is null;
        var failed = !delivered && attempts >= settings.MaxAttempts;
        var ct = CancellationToken.None; // the outcome of a post that was made is recorded even while stopping
        await using var tx = await db.BeginTransactionAsync(ct);
        var mine = db.WebhookDeliveries.Where(d => d.Id == deliveryId && d.LeaseOwner == owner);
        var update = mine.Set(d => d.Attempts, attempts).Set(d => d.LastStatusCode, statusCode).Set(d => d.LastError, error)
            .Set(d => d.LeaseUntil, (long?)null).Set(d => d.LeaseOwner, (string?)null);
        if (delivered) update = update.Set(d => d.Status, DeliveryStatus.Delivered).Set(d => d.DeliveredAt, now);
        else if (failed) update = update.Set(d => d.Status, DeliveryStatus.Failed);
        else update = update.Set(d => d.NextAttemptAt, now + (long)Backoff.Delay(attempts, settings.RetryDelay, Random.Shared.NextDouble()).TotalMilliseconds);
        if (await update.UpdateAsync(ct) == 0) return;

        if (delivered)
            await db.Webhooks.Where(w => w.Id == webhookId).Set(w => w.ConsecutiveFailures, 0).Set(w => w.LastDeliveryAt, now).UpdateAsync(ct);
        else if (failed)
        {
            await db.Webhooks.Where(w => w.Id == webhookId).Set(w => w.ConsecutiveFailures, w => w.ConsecutiveFailures + 1).UpdateAsync(ct);
            var reason = $"Disabled after {settings.DisableAfterFailures} events in a row failed to deliver ({settings.MaxAttempts} attempts each); last error: {Cut(error!, 300)}";
            await db.Webhooks.Where(w => w.Id == webhookId && w.Enabled && w.ConsecutiveFailures >= settings.DisableAfterFailures)
                .Set(w => w.Enabled, false).Set(w => w.DisabledReason, reason).Set(w => w.UpdatedAt, now).UpdateAsync(ct);
        }
        await tx.CommitAsync(ct);
    }

    static string Cut(string text, int max) => text.Length <= max ? text : text[..max];
}
