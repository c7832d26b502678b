using FluentValidation.Results;

namespace Arkyn.Features.Ingest.Batch;

public sealed class Endpoint(Db db, RecordWriter writer) : Endpoint<Request, Response>
{
    static readonly RecordRules Rules = new();

    public override void Configure()
    {
        Post("/http-traffic-record/{trafficSourceId}/batch");
        Options(b => b.WithMetadata(IngestKeyAllowed.Instance).WithMetadata(LargeBody.Instance));
        Description(b => b.OperationId("createHttpTrafficRecordBatch").Produces<Response>(207, "application/json").Problems(400, 401, 403, 404, 413, 429));
        Summary(s =>
        {
            s.Summary = "Store up to 1,000 records in one call; each is validated on its own. Accepts Content-Encoding: gzip.";
            s.Description = "207 lists every record by index: status 201 stored, 200 already stored (same id), 400 invalid or 409 id used elsewhere, with the field messages. 400 only when the wrapper itself is bad.";
            s.Responses[207] = "Per-record outcomes.";
            s.Responses[413] = "The (uncompressed) body is over Ingest:MaxBatchBytes.";
            s.ResponseExamples[207] = new
            {
                successes = new[] { new { index = 0, id = "01a216cd-91d3-79ca-956f-c455b85ebd91", status = 201 } },
                errors = new[]
                {
                    new
                    {
                        index = 1, id = (string?)null, status = 400,
                        errors = new Dictionary<string, string[]> { ["status"] = ["status must be an HTTP status code from 100 to 599."] },
                    },
                },
            };
        });
    }

    public override async Task HandleAsync(Request r, CancellationToken ct)
    {
        var sourceId = Ids.Normalize(r.TrafficSourceId);
        var userId = User.UserId();
        var keyId = User.IngestKeyId();
        // An ingest key of this source already proved ownership while it was authenticated: one query fewer per call.
        if (!User.IsIngestKeyOf(sourceId)) await db.RequireOwnedSourceAsync(sourceId, userId, ct);

        var errors = new List<Failure>();
        var valid = new List<(int Index, PreparedRecord Record)>();
        var index = 0;
        foreach (var element in r.Records!)
        {
            var (input, failures) = Read(element);
            if (failures.Count > 0)
                errors.Add(new Failure(index, input?.Id ?? IdOf(element), 400, Group(failures)));
            else
                valid.Add((index, writer.Prepare(sourceId, userId, keyId, input!)));
            index++;
        }

        var outcomes = await writer.WriteManyAsync(valid.Select(v => v.Record).ToList(), ct);
        var successes = new List<Success>();
        for (var i = 0; i < valid.Count; i++)
        {
            var (at, record) = valid[i];
            if (outcomes[i] == WriteOutcome.IdTaken)
                errors.Add(new Failure(at, record.Traffic.Id, 409, new() { ["id"] = ["This id is already used by another record."] }));
            else
                successes.Add(new Success(at, record.Traffic.Id, outcomes[i] == WriteOutcome.Created ? 201 : 200));
        }
        await Send.ResponseAsync(new Response(successes, [.. errors.OrderBy(e => e.Index)]), 207, ct);
    }

    static (RecordInput? Input, List<ValidationFailure> Failures) Read(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object)
            return (null, [new ValidationFailure("record", "Each record must be a JSON object.")]);
        RecordInput? input;
        try
        {
            input = element.Deserialize<RecordInput>(RecordJson.Options);
        }
        catch (JsonException e)
        {
            return (null, [Infrastructure.Errors.ErrorHandling.JsonFailure(e)]);
        }
        return (input, Rules.Validate(input!).Errors);
    }

    static string? IdOf(JsonElement element) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String ? InputText.StringOf(id) : null;

    static Dictionary<string, string[]> Group(List<ValidationFailure> failures) =>
        failures.GroupBy(f => JsonNamingPolicy.CamelCase.ConvertName(f.PropertyName))
            .ToDictionary(g => g.Key, g => g.Select(f => f.ErrorMessage).Distinct().ToArray());
}

static class RecordJson
{
    /// <summary>The same reading rules as the request body: camelCase, case-insensitive names, strict numbers.</summary>
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.Strict,
        MaxDepth = Payloads.MaxJsonDepth,
        Converters = { new CleanStringConverter() },
    };
}
