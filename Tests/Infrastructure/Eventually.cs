using System.Diagnostics;

namespace Arkyn.Tests.Infrastructure;

/// <summary>For what the server promises within a bounded time (another server's change seen within seconds).</summary>
public static class Eventually
{
    /// <summary>Calls until the answer has the status, and returns how long that took; fails after 15 s.</summary>
    public static async Task<TimeSpan> StatusAsync(Func<Task<ApiTest.Reply>> call, HttpStatusCode status)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(15))
        {
            if ((await call()).Status == status) return clock.Elapsed;
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
        throw new Xunit.Sdk.XunitException($"no {(int)status} answer within 15 s");
    }
}
