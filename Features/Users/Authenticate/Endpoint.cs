using Microsoft.AspNetCore.Identity;

namespace Arkyn.Features.Users.Authenticate;

public sealed class Endpoint(Db db, Tokens tokens, IPasswordHasher<UserRow> hasher) : Endpoint<Request, Response>
{
    public override void Configure()
    {
        Post("/user/auth");
        AllowAnonymous();
        Description(b => b.Problems(400, 401));
        Summary(s =>
        {
            s.Summary = "Exchange email and password for a bearer token (JWT, HS256).";
            s.Responses[401] = "Wrong email or password (the same answer for both).";
        });
    }

    public override async Task HandleAsync(Request r, CancellationToken ct)
    {
        var emailKey = r.Email!.Trim().ToUpperInvariant();
        var user = await db.Users.FirstOrDefaultAsync(u => u.EmailKey == emailKey, ct);
        // Verify against a stand-in hash when the email is unknown, so timing does not tell which part was wrong.
        var result = hasher.VerifyHashedPassword(user ?? StandIn, user?.PasswordHash ?? StandIn.PasswordHash, r.Password!);
        if (user is null || result == PasswordVerificationResult.Failed)
            ThrowError("Wrong email or password.", 401);

        if (result == PasswordVerificationResult.SuccessRehashNeeded)
            await db.Users.Where(u => u.Id == user.Id)
                .Set(u => u.PasswordHash, hasher.HashPassword(user, r.Password!))
                .UpdateAsync(ct);

        await Send.OkAsync(new Response(tokens.Issue(user.Id, user.TokenVersion)), ct);
    }

    static readonly UserRow StandIn = CreateStandIn();

    static UserRow CreateStandIn()
    {
        var user = new UserRow { Id = "", Name = "", Email = "", EmailKey = "", PasswordHash = "" };
        user.PasswordHash = new PasswordHasher<UserRow>().HashPassword(user, Guid.NewGuid().ToString());
        return user;
    }
}
