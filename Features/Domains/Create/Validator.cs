namespace Arkyn.Features.Domains.Create;

public sealed class Validator : Validator<Request>
{
    public Validator()
    {
        RuleFor(r => r.TrafficSourceId).Must(Ids.IsUuid).WithMessage("trafficSourceId must be a UUID.");
        RuleFor(r => r.Value)
            .NotEmpty().WithMessage("value is required.")
            .MaximumLength(261).WithMessage("value must be at most 261 characters.")
            .Must(v => Traffic.NormalizeHost(v!) is not null).WithMessage("value must be a host with an optional :port, without scheme or path (e.g. api.example.com:8443).")
            .When(r => !string.IsNullOrEmpty(r.Value), ApplyConditionTo.CurrentValidator);
        RuleFor(r => r.Protocol)
            .NotEmpty().WithMessage("protocol is required.")
            .Must(Traffic.IsProtocol).WithMessage("protocol must be HTTP or HTTPS.");
    }
}
