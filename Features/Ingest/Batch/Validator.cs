namespace Arkyn.Features.Ingest.Batch;

/// <summary>Rules for the wrapper only; the records are checked one by one in the handler.</summary>
public sealed class Validator : Validator<Request>
{
    public const int MaxRecords = 1000;

    public Validator()
    {
        RuleFor(r => r.TrafficSourceId).Must(Ids.IsUuid).WithMessage("trafficSourceId must be a UUID.");
        RuleFor(r => r.Records)
            .NotNull().WithMessage("records must be an array of records.")
            .Must(r => r is null || r.Count <= MaxRecords).WithMessage($"records may hold at most {MaxRecords} records.");
    }
}
