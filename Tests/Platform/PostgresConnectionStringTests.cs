using Arkyn.Infrastructure;
using Arkyn.Infrastructure.Database;
using Npgsql;

namespace Arkyn.Tests.Platform;

/// <summary>The Npgsql settings the server adds to a configured PostgreSQL connection string, and that it leaves a configured one alone.</summary>
public sealed class PostgresConnectionStringTests
{
    static NpgsqlConnectionStringBuilder Used(string configured) =>
        new(DatabaseSetup.Options(new DatabaseSettings(DatabaseProvider.Postgres, configured)).ConnectionOptions.ConnectionString);

    [Fact]
    public void Pooled_connections_are_not_reset_and_statements_are_prepared_automatically()
    {
        var used = Used("Host=db.example;Username=arkyn;Database=arkyn");
        Assert.True(used.NoResetOnClose);
        Assert.Equal(32, used.MaxAutoPrepare);
        Assert.Equal("db.example", used.Host);
    }

    [Theory]
    [InlineData("Host=db.example;No Reset On Close=false;Max Auto Prepare=0")]
    [InlineData("Host=db.example;noresetonclose=false;maxautoprepare=0")]
    public void A_setting_in_the_configured_string_wins(string configured)
    {
        var used = Used(configured);
        Assert.False(used.NoResetOnClose);
        Assert.Equal(0, used.MaxAutoPrepare);
    }
}
