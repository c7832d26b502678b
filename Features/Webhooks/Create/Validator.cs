namespace Arkyn.Features.Webhooks.Create;

public sealed class Validator : Validator<Request>
{
    public Validator()
    {
        RuleFor(r => r.TrafficSourceId).Must(Ids.IsUuid).WithMessage("trafficSourceId must be a UUID.");
        RuleFor(r => r.Name).Must(n => !string.IsNullOrWhiteSpace(n)).WithMessage("name must not be empty.")
            .MaximumLength(100).WithMessage("name must be at most 100 characters.");
        RuleFor(r => r.Url).Must(u => u is not null).WithMessage("url is required.");
        RuleFor(r => r.Url).Must(u => Targets.FormProblem(u!) is null).When(r => r.Url is not null).WithMessage(r => Targets.FormProblem(r.Url!)!);
        RuleFor(r => r.Format).Must(Formats.IsFormat).When(r => r.Format is not null).WithMessage("format must be one of json, discord, slack.");
        RuleFor(r => r.Rule).Custom((rule, context) =>
        {
            foreach (var (field, message) in Webhooks.Rule.Problems(rule)) context.AddFailure(field, message);
        });
    }
}
