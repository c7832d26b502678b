using System.Text.RegularExpressions;
using Newtonsoft.Json.Linq;
using NJsonSchema;
using NSwag;
using NSwag.Generation.Processors;
using NSwag.Generation.Processors.Contexts;

namespace Arkyn.Infrastructure.Http;

/// <summary>
/// Whole-document rules that keep the document lint-clean as routes are added: the security schemes, tags in reading
/// order, nullable written the OpenAPI 3.0 way, paths that differ only by parameter names merged into one, and no
/// unused schemas.
/// </summary>
public sealed partial class OpenApiDocumentRules : IDocumentProcessor
{
    public void Process(DocumentProcessorContext context)
    {
        var document = context.Document;
        document.Components.SecuritySchemes[OpenApiOperations.UserToken] = new OpenApiSecurityScheme
        {
            Type = OpenApiSecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "JWT",
            Description = "A user token: `token` of POST /user/auth.",
        };
        document.Components.SecuritySchemes[OpenApiOperations.IngestKeyScheme] = new OpenApiSecurityScheme
        {
            Type = OpenApiSecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "An ingest key (`ak_…`, from POST /traffic-source/{trafficSourceId}/ingest-keys): only the write routes of its own traffic source.",
        };
        OrderTags(document);
        MergePathsThatDifferOnlyByParameterNames(document);
        foreach (var schema in document.Components.Schemas.Values) WriteNullableTheOpenApi30Way(schema, []);
        foreach (var operation in document.Operations.Select(o => o.Operation))
        {
            foreach (var parameter in operation.Parameters.Where(p => p.Schema is not null)) WriteNullableTheOpenApi30Way(parameter.Schema, []);
            foreach (var media in operation.Responses.Values.SelectMany(r => r.Content.Values).Concat(operation.RequestBody?.Content.Values ?? []))
                if (media.Schema is not null) WriteNullableTheOpenApi30Way(media.Schema, []);
        }
        RemoveUnusedSchemas(document);
    }

    /// <summary>A relative server: the document is true on whatever host and port serves it.</summary>
    public static void ServedFromAnyHost(NSwag.AspNetCore.OpenApiDocumentMiddlewareSettings settings) =>
        settings.PostProcess = (document, _) =>
        {
            document.Servers.Clear();
            document.Servers.Add(new OpenApiServer { Url = "/" });
        };

    static void OrderTags(OpenApiDocument document)
    {
        var used = document.Operations.SelectMany(o => o.Operation.Tags).Where(t => !t.StartsWith('|')).Distinct().ToList();
        var known = OpenApiNames.TagOrder.Where(used.Contains).ToList();
        var others = used.Except(known).Order().ToList();
        var health = known.Remove("Health");
        var ordered = known.Concat(others).Concat(health ? ["Health"] : Array.Empty<string>());
        document.Tags.Clear();
        foreach (var tag in ordered)
            document.Tags.Add(new OpenApiTag { Name = tag, Description = OpenApiNames.TagDescriptions.GetValueOrDefault(tag) });
    }

    /// <summary>
    /// /domain/{trafficSourceId} (list, create) and /domain/{domainId} (delete) are one path to a client: they become
    /// /domain/{id}, each operation saying in the parameter's description which id it takes.
    /// </summary>
    static void MergePathsThatDifferOnlyByParameterNames(OpenApiDocument document)
    {
        foreach (var group in document.Paths.Keys.GroupBy(p => PathParameter().Replace(p, "{}")).Where(g => g.Count() > 1).ToList())
        {
            var paths = group.ToList();
            var segments = paths.Select(p => p.Split('/')).ToList();
            var merged = string.Join('/', segments[0].Select((segment, i) =>
                segments.Select(s => s[i]).Distinct().Count() > 1 ? "{id}" : segment));
            var item = new OpenApiPathItem();
            foreach (var path in paths)
            {
                var renames = segments[paths.IndexOf(path)].Zip(merged.Split('/'))
                    .Where(pair => pair.First != pair.Second).ToDictionary(pair => pair.First.Trim('{', '}'), _ => "id");
                foreach (var (method, operation) in document.Paths[path])
                {
                    foreach (var parameter in operation.Parameters.Where(p => p.Kind == OpenApiParameterKind.Path && renames.ContainsKey(p.Name)))
                    {
                        parameter.Description = $"The {Words(parameter.Name)} ({parameter.Name}).";
                        parameter.Name = renames[parameter.Name];
                    }
                    item[method] = operation;
                }
                document.Paths.Remove(path);
            }
            document.Paths[merged] = item;
        }
    }

    /// <summary>"trafficSourceId" → "id of the traffic source".</summary>
    static string Words(string camel)
    {
        var name = camel.EndsWith("Id", StringComparison.Ordinal) ? camel[..^2] : camel;
        return "id of the " + string.Concat(name.Select(c => char.IsUpper(c) ? " " + char.ToLowerInvariant(c) : c.ToString()));
    }

    /// <summary>
    /// OpenAPI 3.0 allows nullable only beside a type: a nullable reference becomes allOf [ref] with the referenced type,
    /// a nullable "any JSON value" loses the flag (it already admits null), and a required property is never nullable:
    /// the validators refuse null for every required field.
    /// </summary>
    static void WriteNullableTheOpenApi30Way(JsonSchema schema, HashSet<JsonSchema> seen)
    {
        if (!seen.Add(schema)) return;
        foreach (var (name, property) in schema.Properties)
        {
            if (schema.RequiredProperties.Contains(name)) property.IsNullableRaw = null;
            Fix(property);
            WriteNullableTheOpenApi30Way(property, seen);
        }
        if (schema.Item is { } item) WriteNullableTheOpenApi30Way(item, seen);
        if (schema.AdditionalPropertiesSchema is { } additional) WriteNullableTheOpenApi30Way(additional, seen);
        foreach (var part in schema.AllOf.Concat(schema.OneOf).Concat(schema.AnyOf)) WriteNullableTheOpenApi30Way(part, seen);
        Fix(schema);
    }

    static void Fix(JsonSchema schema)
    {
        if (schema.OneOf.Count == 1 && schema.AllOf.Count == 0 && schema.Reference is null && schema.OneOf.First().Reference is not null)
        {
            var only = schema.OneOf.First();
            schema.OneOf.Clear();
            if (schema.IsNullableRaw == true) schema.AllOf.Add(only);
            else schema.Reference = only.Reference;
        }
        if (schema.IsNullableRaw != true || schema.Type != JsonObjectType.None) return;
        if (schema.AllOf.Count == 1 && schema.AllOf.First().ActualSchema.Type is var type and not JsonObjectType.None)
            schema.Type = type;
        else if (schema.Reference is null)
            schema.IsNullableRaw = null;
    }

    static void RemoveUnusedSchemas(OpenApiDocument document)
    {
        var json = JObject.Parse(document.ToJson());
        var schemas = json["components"]?["schemas"] as JObject;
        if (schemas is null) return;
        var used = new HashSet<string>();
        var pending = new Stack<string>(References(json, skip: schemas));
        while (pending.TryPop(out var name))
            if (used.Add(name) && schemas[name] is { } schema)
                foreach (var next in References(schema, skip: null)) pending.Push(next);
        foreach (var unused in document.Components.Schemas.Keys.Where(k => !used.Contains(k)).ToList())
            document.Components.Schemas.Remove(unused);
    }

    static IEnumerable<string> References(JToken token, JToken? skip) =>
        token.SelectTokens("$..['$ref']").Where(r => skip is null || !IsInside(r, skip))
            .Select(r => r.Value<string>()!).Where(r => r.StartsWith("#/components/schemas/", StringComparison.Ordinal))
            .Select(r => r["#/components/schemas/".Length..]);

    static bool IsInside(JToken token, JToken container)
    {
        for (var t = token.Parent; t is not null; t = t.Parent)
            if (ReferenceEquals(t, container)) return true;
        return false;
    }

    [GeneratedRegex(@"\{[^}]+\}")]
    private static partial Regex PathParameter();
}
