using System.Buffers;
using System.Globalization;
using CsvHelper;

namespace Arkyn.Features.Reading.Export;

/// <summary>
/// Every matching record view, oldest first, streamed: rows are read from the database one at a time (an async
/// enumeration of the query, never a list) and written out in small pieces, so memory stays flat whatever the count.
/// </summary>
public sealed class Endpoint(Db db, Timestamps time) : Endpoint<Request>
{
    /// <summary>Rows written between two flushes to the client: bounds what is held in memory.</summary>
    const int RowsPerFlush = 200;

    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    static readonly string[] CsvHeader =
        ["id", "status", "method", "level", "elapsedTime", "trafficUserId", "trafficSourceId", "domainId", "pathnameId", "requestId",
         "responseId", "createdAt", "domain", "protocol", "pathname", "request", "response"];

    public override void Configure()
    {
        Get("/http-traffic-record/{trafficSourceId}/export");
        Description(b => b.OperationId("exportHttpTrafficRecords").Produces(200, contentType: "application/x-ndjson").Produces(200, contentType: "text/csv").Problems(400, 401, 403, 404));
        Summary(s =>
        {
            s.Summary = "Download every matching record view, oldest first: format=ndjson (one JSON record view per line, the default) or csv.";
            s.Description = "Takes every filter of the list route. CSV has a header row; request and response are JSON text. Streamed in constant memory.";
        });
    }

    public override async Task HandleAsync(Request r, CancellationToken ct)
    {
        var sourceId = Ids.Normalize(r.TrafficSourceId);
        await db.RequireReadableSourceAsync(sourceId, User.UserId(), ct);
        var rows = (from t in r.Apply(db, sourceId)
                    join d in db.Domains on t.DomainId equals d.Id
                    join p in db.Pathnames on t.PathnameId equals p.Id
                    join q in db.Requests on t.RequestId equals q.Id
                    join s in db.Responses on t.ResponseId equals s.Id
                    orderby t.CreatedAt, t.Id
                    select new RecordView.Rows(t, d.Value, d.Protocol, p.Value, q, s)).AsAsyncEnumerable();

        var extension = r.IsCsv ? "csv" : "ndjson";
        HttpContext.Response.StatusCode = StatusCodes.Status200OK;
        HttpContext.Response.ContentType = r.IsCsv ? "text/csv; charset=utf-8" : "application/x-ndjson; charset=utf-8";
        HttpContext.Response.Headers.ContentDisposition = $"attachment; filename=\"traffic-{sourceId}.{extension}\"";
        if (r.IsCsv) await WriteCsvAsync(rows, ct);
        else await WriteNdjsonAsync(rows, ct);
    }

    async Task WriteNdjsonAsync(IAsyncEnumerable<RecordView.Rows> rows, CancellationToken ct)
    {
        var body = HttpContext.Response.BodyWriter;
        await using var json = new Utf8JsonWriter(body);
        var pending = 0;
        await foreach (var row in rows.WithCancellation(ct))
        {
            JsonSerializer.Serialize(json, RecordView.From(row, time), Json);
            json.Flush();
            // A new top-level value per line: without the reset the writer would separate them with commas.
            json.Reset();
            body.Write("\n"u8);
            if (++pending < RowsPerFlush) continue;
            pending = 0;
            await body.FlushAsync(ct);
        }
        await body.FlushAsync(ct);
    }

    async Task WriteCsvAsync(IAsyncEnumerable<RecordView.Rows> rows, CancellationToken ct)
    {
        // CsvHelper fills its own buffer and hands it to the response asynchronously (EndRecordAsync, FlushAsync).
        await using var csv = CsvWriter.Create(HttpContext.Response.Body, new CsvWriterOptions { FormatProvider = CultureInfo.InvariantCulture }, leaveOpen: true);
        foreach (var name in CsvHeader) csv.WriteField(name);
        await csv.EndRecordAsync(ct);
        var pending = 0;
        await foreach (var row in rows.WithCancellation(ct))
        {
            var v = RecordView.From(row, time);
            csv.WriteField(v.Id);
            csv.WriteField(v.Status.ToString(CultureInfo.InvariantCulture));
            csv.WriteField(v.Method);
            csv.WriteField(v.Level);
            csv.WriteField(v.ElapsedTime.ToString(CultureInfo.InvariantCulture));
            csv.WriteField(v.TrafficUserId ?? "");
            csv.WriteField(v.TrafficSourceId);
            csv.WriteField(v.DomainId);
            csv.WriteField(v.PathnameId);
            csv.WriteField(v.RequestId);
            csv.WriteField(v.ResponseId);
            csv.WriteField(v.CreatedAt);
            csv.WriteField(v.Domain);
            csv.WriteField(v.Protocol);
            csv.WriteField(v.Pathname);
            csv.WriteField(JsonSerializer.Serialize(v.Request, Json));
            csv.WriteField(JsonSerializer.Serialize(v.Response, Json));
            await csv.EndRecordAsync(ct);
            if (++pending < RowsPerFlush) continue;
            pending = 0;
            await csv.FlushAsync(ct);
        }
        await csv.FlushAsync(ct);
    }
}
