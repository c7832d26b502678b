using Arkyn.Infrastructure;
using FastEndpoints;
using FluentValidation;

namespace Arkyn.Features.Responses.Create;

public sealed class Validator : Validator<Request>
{
    public Validator() =>
        RuleFor(r => r.Headers).RequiredObject("headers");
}
