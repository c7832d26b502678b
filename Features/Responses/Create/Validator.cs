namespace Arkyn.Features.Responses.Create;

public sealed class Validator : Validator<Request>
{
    public Validator()
    {
        RuleFor(r => r.Headers).RequiredObject("headers");
        RuleFor(r => r.Headers).Must(Payloads.IsWithinDepth).WithMessage(Payloads.DepthMessage("headers"));
        RuleFor(r => r.Body).Must(Payloads.IsWithinDepth).WithMessage(Payloads.DepthMessage("body"));
    }
}
