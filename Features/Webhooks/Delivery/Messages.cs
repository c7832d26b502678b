using System.Globalization;
using System.Text.Json.Nodes;

namespace Arkyn.Features.Webhooks.Delivery;

/// <summary>
/// The body a webhook receives: the stored event as it is (format json), or the message shape of Discord (one embed)
/// or Slack (blocks) made from it, with the level, count, endpoint and a few records.
/// </summary>
public static class Messages
{
    const int RecordsShown = 5;

    public static string Render(string format, string payload) => format switch
    {
        Formats.Discord => Discord(JsonNode.Parse(payload)!.AsObject()).ToJsonString(),
        Formats.Slack => Slack(JsonNode.Parse(payload)!.AsObject()).ToJsonString(),
        _ => payload,
    };

    sealed record Summary(string Title, string Text, int Color, List<(string Name, string Value)> Fields, List<string> Records);

    static Summary Summarize(JsonObject e)
    {
        var source = e["trafficSource"]?["name"]?.GetValue<string>() ?? "";
        var data = e["data"]?.AsObject() ?? [];
        var type = e["type"]!.GetValue<string>();
        switch (type)
        {
            case Outbox.TrafficLevel:
            {
                var levels = string.Join(", ", (data["levels"]?.AsArray() ?? []).Select(l => l!.GetValue<string>()));
                var count = data["count"]?.GetValue<int>() ?? 0;
                var records = (data["records"]?.AsArray() ?? []).Select(r => r!.AsObject()).ToList();
                var lines = records.Take(RecordsShown).Select(r =>
                    $"{r["status"]} {r["method"]} {r["domain"]}{r["pathname"]} ({Number(r["elapsedTime"])} ms, {r["createdAt"]})").ToList();
                var endpoint = records.Count > 0 ? $"{records[0]["method"]} {records[0]["domain"]}{records[0]["pathname"]}" : "-";
                return new Summary($"{count} {levels} record{(count == 1 ? "" : "s")} on {source}",
                    $"Arkyn saw {count} record{(count == 1 ? "" : "s")} of level {levels}.", levels.Contains("FATAL") ? 0xE74C3C : 0xF1C40F,
                    [("Level", levels), ("Count", count.ToString(CultureInfo.InvariantCulture)), ("Endpoint", endpoint)], lines);
            }
            case Outbox.AlertFiring or Outbox.AlertResolved:
            {
                var firing = type == Outbox.AlertFiring;
                var what = data["kind"]?.GetValue<string>() == Rule.Latency ? $"p{Number(data["percentile"])} latency" : "Error rate";
                var value = Number(data["value"]);
                var threshold = Number(data["threshold"]);
                var unit = data["kind"]?.GetValue<string>() == Rule.Latency ? " ms" : "";
                return new Summary($"{(firing ? "Firing" : "Resolved")}: {what} on {source}",
                    $"{what} over the last {data["window"]} is {value}{unit} ({(firing ? "at or above" : "back under")} {threshold}{unit}), over {data["count"]} records.",
                    firing ? 0xE67E22 : 0x2ECC71,
                    [("Value", value + unit), ("Threshold", threshold + unit), ("Records", $"{data["count"]}"), ("Endpoint", data["endpoint"]?.GetValue<string>() ?? "all")], []);
            }
            default:
                return new Summary($"Test event for {source}", data["message"]?.GetValue<string>() ?? "A test event from Arkyn.", 0x3498DB, [], []);
        }
    }

    static string Number(JsonNode? node) => node is null ? "" : node.GetValue<double>().ToString("0.###", CultureInfo.InvariantCulture);

    static JsonObject Discord(JsonObject e)
    {
        var s = Summarize(e);
        var fields = new JsonArray(s.Fields.Select(f => (JsonNode?)new JsonObject { ["name"] = f.Name, ["value"] = Cut(f.Value, 1024), ["inline"] = true }).ToArray());
        if (s.Records.Count > 0)
            fields.Add(new JsonObject { ["name"] = "Records", ["value"] = Cut(string.Join("\n", s.Records), 1024), ["inline"] = false });
        return new JsonObject
        {
            ["username"] = "Arkyn",
            ["embeds"] = new JsonArray(new JsonObject
            {
                ["title"] = Cut(s.Title, 256),
                ["description"] = Cut(s.Text, 4096),
                ["color"] = s.Color,
                ["fields"] = fields,
                ["footer"] = new JsonObject { ["text"] = $"{e["type"]} · {e["id"]}" },
            }),
        };
    }

    static JsonObject Slack(JsonObject e)
    {
        var s = Summarize(e);
        var blocks = new JsonArray(
            new JsonObject { ["type"] = "header", ["text"] = new JsonObject { ["type"] = "plain_text", ["text"] = Cut(s.Title, 150) } },
            new JsonObject { ["type"] = "section", ["text"] = new JsonObject { ["type"] = "mrkdwn", ["text"] = Cut(s.Text, 3000) } });
        if (s.Fields.Count > 0)
            blocks.Add(new JsonObject
            {
                ["type"] = "section",
                ["fields"] = new JsonArray(s.Fields.Select(f => (JsonNode?)new JsonObject { ["type"] = "mrkdwn", ["text"] = Cut($"*{f.Name}*\n{f.Value}", 2000) }).ToArray()),
            });
        if (s.Records.Count > 0)
            blocks.Add(new JsonObject { ["type"] = "section", ["text"] = new JsonObject { ["type"] = "mrkdwn", ["text"] = Cut("```" + string.Join("\n", s.Records) + "```", 3000) } });
        blocks.Add(new JsonObject
        {
            ["type"] = "context",
            ["elements"] = new JsonArray(new JsonObject { ["type"] = "mrkdwn", ["text"] = $"{e["type"]} · {e["id"]}" }),
        });
        return new JsonObject { ["text"] = Cut(s.Title, 3000), ["blocks"] = blocks };
    }

    static string Cut(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";
}
