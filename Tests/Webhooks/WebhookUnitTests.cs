using Microsoft.Extensions.Configuration;
using System.Net;
using Arkyn.Features.Webhooks;
using Arkyn.Features.Webhooks.Delivery;
using Arkyn.Features.Webhooks.Rules;
using Arkyn.Infrastructure.Stats;

namespace Arkyn.Tests.Webhooks;

/// <summary>The pure logic of webhooks: which addresses are internal, the retry schedule, the message shapes, and a latency rule told from counts.</summary>
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

    [Fact]
    public void A_latency_rule_told_from_counts_agrees_with_the_percentile_whenever_it_answers()
    {
        var random = new Random(7);
        var answered = 0;
        for (var round = 0; round < 20_000; round++)
        {
            var values = Enumerable.Range(0, random.Next(1, 40)).Select(_ => Math.Round(random.NextDouble() * 20, random.Next(0, 4))).Order().ToList();
            var threshold = random.Next(3) == 0 ? values[random.Next(values.Count)] : Math.Round(random.NextDouble() * 20, 3);
            var fraction = new[] { 0.5, 0.9, 0.95, 0.99, 1.0 }[random.Next(5)];
            var told = PercentileVersusThreshold.From(values.Count, values.Count(v => v < threshold - PercentileVersusThreshold.Margin),
                values.Count(v => v < threshold + PercentileVersusThreshold.Margin), fraction);
            if (told is null) continue;
            answered++;
            Assert.Equal(Percentiles.Continuous(values, fraction) >= threshold, told.Value);
        }
        // It answers nearly always: the values are read only when the percentile is near the threshold.
        Assert.True(answered > 15_000, $"answered {answered} of 20000");
    }

    [Theory]
    [InlineData(0, 0, 0, null)]
    [InlineData(20, 20, 20, false)] // all under
    [InlineData(20, 0, 0, true)] // all over
    [InlineData(20, 19, 19, null)] // p95 of 20 sits between ranks 18 and 19: one under, one over
    [InlineData(20, 18, 18, true)]
    [InlineData(20, 18, 19, null)] // rank 18 is near the threshold: its value decides
    public void A_latency_rule_is_told_from_counts_only_when_the_two_ranks_agree(int count, int under, int near, bool? expected) =>
        Assert.Equal(expected, PercentileVersusThreshold.From(count, under, near, 0.95));
}
