namespace Arkyn.Infrastructure.Http;

/// <summary>
/// Whether an HTTP/1.x connection survives an answer given before the request body was read to its end. Kestrel
/// drains an unread body after the answer to reuse the connection, but only up to the route's body limit and only
/// when the body will come: past the limit it closes the connection, after an answer that promised to keep it.
/// So such an answer says <c>Connection: close</c> unless the rest of the body is small and sure to arrive: a
/// declared length within the drain limit, and not a client still waiting for its <c>100 Continue</c>.
/// </summary>
public static class ConnectionReuse
{
    public static void CloseWhenUndrainable(HttpContext http, RequestBodyState state, long drainLimit)
    {
        if (!HttpMethods.IsConnect(http.Request.Method) && http.Request.Protocol is "HTTP/1.1" or "HTTP/1.0")
            http.Response.OnStarting(() =>
            {
                if (MustClose(http.Request, state, drainLimit)) http.Response.Headers.Connection = "close";
                return Task.CompletedTask;
            });
    }

    static bool MustClose(HttpRequest request, RequestBodyState state, long drainLimit)
    {
        if (state.Finished) return false;
        if (request.ContentLength is not { } length || length > drainLimit) return true;
        // Kestrel sends 100 Continue only when the body is first read: a client that waits for it may never send the
        // body, and what it sends next would be drained as if it were that body.
        return !state.ReadStarted && string.Equals(request.Headers.Expect, "100-continue", StringComparison.OrdinalIgnoreCase);
    }
}
