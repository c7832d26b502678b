using System.Text.Json;
using Arkyn.Infrastructure;
using FastEndpoints;
using FluentValidation;

namespace Arkyn.Features.HttpTrafficRecords.Batch;

/// <summary>Rules for the wrapper only; the records are checked one by one in the handler.</summary>
public sealed class Validator : Validator<Request>
{
    public const int MaxRecords = 1000;

    public Validator()
    {
        RuleFor(r => r.TrafficSourceId).Must(Ids.IsUuid).WithMessage("trafficSourceId must be a UUID.");
        RuleFor(r => r.Records)
            .Must(r => r?.ValueKind == JsonValueKind.Array).WithMessage("records must be an array of records.")
            .Must(r => r?.ValueKind != JsonValueKind.Array || r.Value.GetArrayLength() <= MaxRecords)
            .WithMessage($"records may hold at most {MaxRecords} records.");
    }
}
