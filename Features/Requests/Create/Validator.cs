using Arkyn.Infrastructure;
using FastEndpoints;
using FluentValidation;

namespace Arkyn.Features.Requests.Create;

public sealed class Validator : Validator<Request>
{
    public Validator()
    {
        RuleFor(r => r.Headers).RequiredObject("headers");
        RuleFor(r => r.QueryParams).RequiredObject("queryParams");
    }
}
