using Microsoft.Extensions.Configuration;
using System.Net;
using Arkyn.Features.Webhooks;
using Arkyn.Features.Webhooks.Delivery;

namespace Arkyn.Tests.Webhooks;

/// <summary>The pure logic of webhooks: which addresses are internal, the retry schedule, and the message shapes.</summary>
public sealed class WebhookUnitTests
{
    [Theory]
    [InlineData("127.0.0.1", true)] [InlineData("10.0.0.1", true)] [InlineData("172.16.0.1", true)] [InlineData("172.32.0.1", false)]
    [InlineData("192.168.0.1", true)] [InlineData("169.254.1.1", true)] [InlineData("100.64.0.1", true)] [InlineData("100.128.0.1", false)]
    [InlineData("0.0.0.0", true)] [InlineData("224.0.0.251", true)] [InlineData("198.18.0.1", true)] [InlineData("8.8.8.8", false)]
    [InlineData("93.184.215.14", false)] [InlineData("::1", true)] [InlineData("::", true)] [InlineData("fe80::1", true)]
    [InlineData("fd00::1", true)] [InlineData("ff02::1", true)] [InlineData("::ffff:192.168.0.1", true)] [InlineData("::ffff:8.8.8.8", false)]
    [InlineData("64:ff9b::7f00:1", true)] [InlineData("64:ff9b::808:808", false)] [InlineData("2002:a00:1::", true)]
    [InlineData("2001:db8::1", true)] [InlineData("2606:4700:4700::1111", false)]
    public void Internal_addresses_are_told_from_public_ones(string address, bool isInternal) =>
        Assert.Equal(isInternal, Targets.IsInternal(IPAddress.Parse(address)));

    [Fact]
    public void Retries_back_off_from_the_first_delay_with_jitter()
    {
        var first = TimeSpan.FromSeconds(5);
        Assert.Equal(TimeSpan.FromSeconds(4), Backoff.Delay(1, first, 0));
        Assert.Equal(TimeSpan.FromSeconds(6), Backoff.Delay(1, first, 1));
        Assert.Equal(TimeSpan.FromSeconds(30), Backoff.Delay(2, first, 0.5));
        Assert.Equal(TimeSpan.FromMinutes(2), Backoff.Delay(3, first, 0.5));
        Assert.Equal(TimeSpan.FromMinutes(10), Backoff.Delay(4, first, 0.5));
        Assert.Equal(TimeSpan.FromMinutes(30), Backoff.Delay(5, first, 0.5));
        Assert.Equal(TimeSpan.FromHours(1), Backoff.Delay(6, first, 0.5));
        Assert.Equal(TimeSpan.FromHours(1), Backoff.Delay(11, first, 0.5));
    }

    [Fact]
    public void Rule_problems_name_each_field()
    {
        Assert.Empty(Rule.Problems(new RuleInput { Kind = "errorRate", Threshold = 0.05, Window = "5m", MinCount = 20 }));
        Assert.Equal(["rule.window", "rule.threshold"],
            Rule.Problems(new RuleInput { Kind = "errorRate", Threshold = 5, Window = "7m" }).Select(p => p.Field));
        Assert.Equal(["rule.percentile", "rule.thresholdMs", "rule.statusClass"],
            Rule.Problems(new RuleInput { Kind = "latency", Window = "1h", StatusClass = "9xx" }).Select(p => p.Field));
    }

    [Theory]
    [InlineData("Alerts:EvaluateEvery", "soon")]
    [InlineData("Alerts:CoalesceWindow", "-00:00:01")]
    [InlineData("Alerts:RetryDelay", "00:00:00")]
    [InlineData("Alerts:LevelDelay", "later")]
    [InlineData("Alerts:MaxAttempts", "0")]
    [InlineData("Alerts:DisableAfterFailures", "many")]
    [InlineData("Alerts:AllowPrivateTargets", "maybe")]
    public void A_bad_alerts_setting_stops_start_up_naming_its_key(string key, string value)
    {
        var config = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [key] = value }).Build();
        var error = Assert.Throws<Arkyn.Infrastructure.StartupException>(() => AlertSettings.From(config));
        Assert.Contains(key, error.Message);
    }

    [Fact]
    public void Alerts_settings_default_to_the_contract()
    {
        var defaults = AlertSettings.From(new ConfigurationBuilder().Build());
        Assert.Equal(new AlertSettings(false, TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(15), 12, 20, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10)), defaults);
    }

    static string Event(string type, string data) =>
        $$"""{"id":"e1","type":"{{type}}","createdAt":"12/01/2026 at 10:00:00","trafficSource":{"id":"s","name":"Shop"},"webhook":{"id":"w","name":"ops"},"data":{{data}}}""";

    [Fact]
    public void Firing_alerts_render_as_a_discord_embed_and_slack_blocks()
    {
        var payload = Event("alert.firing", """{"kind":"errorRate","threshold":0.05,"value":0.25,"count":40,"errorCount":10,"window":"5m","endpoint":"GET /users/{id}"}""");
        var discord = JsonNode.Parse(Messages.Render("discord", payload))!;
        Assert.Equal("Firing: Error rate on Shop", discord["embeds"]![0]!["title"]!.GetValue<string>());
        Assert.Contains("0.25", discord["embeds"]![0]!["description"]!.GetValue<string>());
        var slack = JsonNode.Parse(Messages.Render("slack", payload))!;
        Assert.Equal("Firing: Error rate on Shop", slack["text"]!.GetValue<string>());
        Assert.Equal("header", slack["blocks"]![0]!["type"]!.GetValue<string>());
        Assert.Equal(payload, Messages.Render("json", payload));
    }
}
