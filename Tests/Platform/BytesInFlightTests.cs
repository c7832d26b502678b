using Arkyn.Infrastructure.Http;

namespace Arkyn.Tests.Platform;

/// <summary>The ingest budget's arithmetic; <see cref="ConnectionTests"/> covers the 503 through HTTP.</summary>
public sealed class BytesInFlightTests
{
    [Fact]
    public void Admits_within_the_budget_and_refuses_past_it()
    {
        var budget = new BytesInFlight(1000);
        using var first = budget.TryAdmit(600);
        Assert.NotNull(first);
        Assert.Null(budget.TryAdmit(500));
        using var second = budget.TryAdmit(400);
        Assert.NotNull(second);
        Assert.Equal(1000, budget.InFlight);
    }

    [Fact]
    public void One_body_larger_than_the_budget_passes_when_nothing_else_is_in_flight()
    {
        var budget = new BytesInFlight(1000);
        var large = budget.TryAdmit(5000);
        Assert.NotNull(large);
        Assert.Null(budget.TryAdmit(1));
        large.Dispose();
        Assert.Equal(0, budget.InFlight);
        Assert.NotNull(budget.TryAdmit(1));
    }

    [Fact]
    public void A_share_grows_as_the_body_inflates_and_returns_whole()
    {
        var budget = new BytesInFlight(1000);
        var lease = budget.TryAdmit(100)!;
        lease.Reached(50);
        Assert.Equal(100, budget.InFlight);
        lease.Reached(900);
        Assert.Equal(900, budget.InFlight);
        Assert.Null(budget.TryAdmit(200));
        lease.Dispose();
        Assert.Equal(0, budget.InFlight);
    }

    [Fact]
    public void A_body_of_unknown_length_takes_a_small_share()
    {
        var budget = new BytesInFlight(1 << 20);
        using var lease = budget.TryAdmit(null);
        Assert.InRange(budget.InFlight, 1, 1 << 17);
    }
}
