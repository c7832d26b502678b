namespace Arkyn.Infrastructure.Http;

/// <summary>
/// Query strings by the rules of every other input: a parameter given twice is ambiguous (which one filters?), so it is
/// a 400 naming it; an encoded NUL (%00) becomes U+FFFD, as in bodies (see <see cref="InputText"/>). Percent-decoding
/// cannot yield a lone surrogate: bytes that are not UTF-8 decode to U+FFFD already.
/// </summary>
public static class QueryRules
{
    public static WebApplication UseQueryRules(this WebApplication app)
    {
        app.Use((http, next) =>
        {
            var query = http.Request.QueryString.Value;
            if (string.IsNullOrEmpty(query)) return next(http);
            if (query.Contains("%00", StringComparison.Ordinal))
                http.Request.QueryString = new QueryString(query.Replace("%00", "%EF%BF%BD", StringComparison.Ordinal));
            foreach (var (name, values) in http.Request.Query)
                if (values.Count > 1)
                    return Problem.WriteAsync(http, StatusCodes.Status400BadRequest, "One or more fields are invalid.",
                        new() { [name] = [$"{name} must be given at most once."] });
            return next(http);
        });
        return app;
    }
}
