namespace Arkyn.Features.Webhooks.Update;

public sealed class Validator : Validator<Request>
{
    public Validator()
    {
        Include(new WebhookIdRules());
        RuleFor(r => r.Name).Must(n => !string.IsNullOrWhiteSpace(n)).WithMessage("name must not be empty.")
            .MaximumLength(100).WithMessage("name must be at most 100 characters.").When(r => r.Name is not null);
        RuleFor(r => r.Url).Must(u => Targets.FormProblem(u!) is null).When(r => r.Url is not null).WithMessage(r => Targets.FormProblem(r.Url!)!);
        RuleFor(r => r.Format).Must(Formats.IsFormat).When(r => r.Format is not null).WithMessage("format must be one of json, discord, slack.");
        RuleFor(r => r.Rule).Custom((rule, context) =>
        {
            foreach (var (field, message) in Webhooks.Rule.Problems(rule)) context.AddFailure(field, message);
        }).When(r => r.Rule is not null);
    }
}
