namespace Arkyn.Features.Reading.Export;

public sealed class Validator : Validator<Request>
{
    public static readonly string[] Formats = ["ndjson", "csv"];

    public Validator()
    {
        Include(new TrafficFilterRules());
        RuleFor(r => r.Format).Must(f => Formats.Contains(f!.Trim().ToLowerInvariant())).When(r => r.Format is not null)
            .WithMessage("format must be ndjson or csv.");
    }
}
