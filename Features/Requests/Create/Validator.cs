using System.Text.Json;
using Arkyn.Infrastructure;
using FastEndpoints;
using FluentValidation;

namespace Arkyn.Features.Requests.Create;

public sealed class Validator : Validator<Request>
{
    public Validator()
    {
        RuleFor(r => r.Headers).Must(h => h?.ValueKind == JsonValueKind.Object).WithMessage("headers must be a JSON object.");
        RuleFor(r => r.QueryParams).Must(q => q?.ValueKind == JsonValueKind.Object).WithMessage("queryParams must be a JSON object.");
        RuleFor(r => r.Headers).Must(Payloads.IsWithinDepth).WithMessage(Payloads.DepthMessage("headers"));
        RuleFor(r => r.Body).Must(Payloads.IsWithinDepth).WithMessage(Payloads.DepthMessage("body"));
        RuleFor(r => r.QueryParams).Must(Payloads.IsWithinDepth).WithMessage(Payloads.DepthMessage("queryParams"));
    }
}
