namespace Arkyn.Features.IngestKeys.Delete;

public sealed class Validator : Validator<Request>
{
    public Validator() => RuleFor(r => r.IngestKeyId).Must(Ids.IsUuid).WithMessage("ingestKeyId must be a UUID.");
}
