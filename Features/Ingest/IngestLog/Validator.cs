namespace Arkyn.Features.Ingest.IngestLog;

public sealed class Validator : Validator<Request>
{
    public Validator()
    {
        RuleFor(r => r.TrafficSourceId)
            .NotEmpty().WithMessage("trafficSourceId is required.")
            .Must(Ids.IsUuid).When(r => !string.IsNullOrEmpty(r.TrafficSourceId), ApplyConditionTo.CurrentValidator)
            .WithMessage("trafficSourceId must be a UUID.");
        Include(new RecordRules());
    }
}
