using System.Text.Json;

namespace Arkyn.Features.Responses.Create;

public sealed record Response(string Id, JsonElement Headers, JsonElement? Body, bool BodyTruncated, string CreatedAt);
