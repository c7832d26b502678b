namespace Arkyn.Features.Members.Add;

public sealed class Endpoint(Db db, Timestamps time) : Endpoint<Request, MemberResponse>
{
    public override void Configure()
    {
        Post("/traffic-source/{trafficSourceId}/members");
        Description(b => b.Answers<MemberResponse>(201).Problems(400, 401, 403, 404, 409));
        Summary(s =>
        {
            s.Summary = "Let another account read this traffic source (owner only). The member sees it in GET /traffic-source and may use its read routes.";
            s.Responses[404] = "No traffic source has this id, or no account has this email.";
            s.Responses[409] = "This account is already a member.";
        });
    }

    public override async Task HandleAsync(Request r, CancellationToken ct)
    {
        var sourceId = Ids.Normalize(r.TrafficSourceId);
        var callerId = User.UserId();
        await db.RequireOwnedSourceAsync(sourceId, callerId, ct);

        var emailKey = r.Email!.Trim().ToUpperInvariant();
        var user = await db.Users.FirstOrDefaultAsync(u => u.EmailKey == emailKey, ct);
        if (user is null) Access.NotFound("email", "No account has this email.");
        if (user.Id == callerId) ThrowError(x => x.Email!, "You own this traffic source; an owner cannot also be a member.");

        var member = new MemberRow { TrafficSourceId = sourceId, UserId = user.Id, Role = MemberRow.ReadOnly, CreatedAt = time.Now() };
        try
        {
            await db.InsertAsync(member, token: ct);
        }
        catch (Exception e) when (DbErrors.IsUniqueViolation(e))
        {
            ThrowError(x => x.Email!, "This account is already a member of this traffic source.", 409);
        }
        await Send.ResponseAsync(new MemberResponse(user.Id, user.Email, user.Name, member.Role, time.Format(member.CreatedAt)), 201, ct);
    }
}
