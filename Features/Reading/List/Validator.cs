namespace Arkyn.Features.Reading.List;

public sealed class Validator : Validator<Request>
{
    public Validator()
    {
        Include(new TrafficFilterRules());
        Include(new PagingRules());
        RuleFor(r => r.Cursor).Must(c => Cursor.Decode(c) is not null).When(r => r.Cursor is not null)
            .WithMessage("cursor is not a cursor this server gave out.");
        RuleFor(r => r.Page).Null().When(r => r.Cursor is not null).WithMessage("page cannot be combined with cursor.");
    }
}
