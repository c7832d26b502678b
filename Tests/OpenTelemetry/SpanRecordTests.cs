using Arkyn.Features.OpenTelemetry.Traces;

namespace Arkyn.Tests.OpenTelemetry;

/// <summary>The pure parts of the span mapping: route templates and span ids.</summary>
public sealed class SpanRecordTests
{
    [Theory]
    [InlineData("/users/:id", "/users/{id}")]
    [InlineData("/users/:userId/orders/:orderId", "/users/{userId}/orders/{orderId}")]
    [InlineData("api/orders/{id:int}", "/api/orders/{id}")]
    [InlineData("/files/{*path}", "/files/{path}")]
    [InlineData("{controller=Home}/{action=Index}/{id?}", "/{controller}/{action}/{id}")]
    [InlineData("/users/:id?", "/users/{id}")]
    [InlineData("/search?q", null)]
    [InlineData("/", "/")]
    [InlineData("", null)]
    [InlineData("   ", null)]
    [InlineData("/with space", null)]
    public void Http_route_becomes_a_template_with_named_parameters(string route, string? template) =>
        Assert.Equal(template, Arkyn.Infrastructure.Traffic.RouteTemplate(route));

    [Fact]
    public void Span_ids_are_uuid_v7_of_the_start_time_and_differ_by_source_trace_and_span()
    {
        ExportedSpan Span(byte trace, byte span) => new() { TraceId = Enumerable.Repeat(trace, 16).ToArray(), SpanId = Enumerable.Repeat(span, 8).ToArray() };
        var start = new DateTimeOffset(2026, 11, 30, 9, 15, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        var source = Guid.CreateVersion7().ToString();
        var id = SpanRecord.DeterministicId(source, Span(1, 2), start);
        Assert.Equal(id, SpanRecord.DeterministicId(source, Span(1, 2), start));
        var guid = Guid.Parse(id);
        Assert.Equal(7, guid.Version);
        Assert.Equal(start, Convert.ToInt64(id.Replace("-", "")[..12], 16));
        Assert.NotEqual(id, SpanRecord.DeterministicId(source, Span(1, 3), start));
        Assert.NotEqual(id, SpanRecord.DeterministicId(source, Span(4, 2), start));
        Assert.NotEqual(id, SpanRecord.DeterministicId(Guid.CreateVersion7().ToString(), Span(1, 2), start));
    }
}
