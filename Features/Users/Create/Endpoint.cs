using Microsoft.AspNetCore.Identity;

namespace Arkyn.Features.Users.Create;

public sealed class Endpoint(Db db, AuthSettings auth, Timestamps time, IPasswordHasher<UserRow> hasher) : Endpoint<Request, UserResponse>
{
    public override void Configure()
    {
        Post("/user");
        AllowAnonymous();
        Description(b => b.Answers<UserResponse>(201).Problems(400, 403, 409));
        Summary(s =>
        {
            s.Summary = "Create an account. The first account can always be created; later ones only while Auth:AllowRegistration is true.";
            s.Responses[403] = "Registration is closed.";
            s.Responses[409] = "The email is already taken (case-insensitively).";
        });
    }

    public override async Task HandleAsync(Request r, CancellationToken ct)
    {
        var email = r.Email!.Trim();
        var now = time.Now();
        var user = new UserRow
        {
            Id = Ids.New(),
            Name = r.Name!.Trim(),
            Email = email,
            EmailKey = email.ToUpperInvariant(),
            PasswordHash = "",
            Utc = r.Utc ?? 0,
            CreatedAt = now,
            UpdatedAt = now,
        };
        user.PasswordHash = hasher.HashPassword(user, r.Password!);

        // One registration at a time, so "is this the first account?" and the insert cannot interleave.
        await using var tx = await db.BeginTransactionAsync(ct);
        await db.SerializeAsync(Locks.Registration, ct);
        if (!auth.AllowRegistration && await db.Users.AnyAsync(ct))
            ThrowError("Registration is closed on this server.", 403);
        if (await db.Users.AnyAsync(u => u.EmailKey == user.EmailKey, ct))
            ThrowError(r => r.Email, "This email is already taken.", 409);
        await db.InsertAsync(user, token: ct);
        await tx.CommitAsync(ct);

        await Send.ResponseAsync(UserResponse.From(user, time), 201, ct);
    }
}
