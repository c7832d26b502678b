namespace Arkyn.Features.Users.Registration;

public sealed class Endpoint(Db db, AuthSettings auth) : EndpointWithoutRequest<Response>
{
    public override void Configure()
    {
        Get("/user/registration");
        AllowAnonymous();
        Description(b => b.OperationId("getRegistration"));
        Summary(s =>
        {
            s.Summary = "Whether POST /user would accept an account now: firstAccount is true on a fresh install with no account yet.";
            s.Description = "Says nothing POST /user does not already tell an anonymous caller; the dashboard uses it to show the first-account screen.";
        });
    }

    public override async Task HandleAsync(CancellationToken ct)
    {
        var firstAccount = !await db.Users.AnyAsync(ct);
        await Send.OkAsync(new Response(firstAccount || auth.AllowRegistration, firstAccount), ct);
    }
}
