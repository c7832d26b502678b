using System.Text.Json;

namespace Arkyn.Features.Requests.Create;

public sealed record Response(string Id, JsonElement Headers, JsonElement? Body, bool BodyTruncated, JsonElement QueryParams, string CreatedAt);
