using LinqToDB.Data;

namespace Arkyn.Infrastructure.Database;

/// <summary>The data context: one per request scope. Slices query its tables directly.</summary>
public sealed class Db(DataOptions options) : DataConnection(options)
{
    public ITable<UserRow> Users => this.GetTable<UserRow>();
    public ITable<AppSettingRow> AppSettings => this.GetTable<AppSettingRow>();
    public ITable<TrafficSourceRow> TrafficSources => this.GetTable<TrafficSourceRow>();
    public ITable<DomainRow> Domains => this.GetTable<DomainRow>();
    public ITable<PathnameRow> Pathnames => this.GetTable<PathnameRow>();
    public ITable<RequestRow> Requests => this.GetTable<RequestRow>();
    public ITable<ResponseRow> Responses => this.GetTable<ResponseRow>();
    public ITable<HttpTrafficRow> HttpTraffic => this.GetTable<HttpTrafficRow>();
    public ITable<IngestKeyRow> IngestKeys => this.GetTable<IngestKeyRow>();
    public ITable<WebhookRow> Webhooks => this.GetTable<WebhookRow>();
    public ITable<WebhookStateRow> WebhookStates => this.GetTable<WebhookStateRow>();
    public ITable<WebhookEventRow> WebhookEvents => this.GetTable<WebhookEventRow>();
    public ITable<WebhookDeliveryRow> WebhookDeliveries => this.GetTable<WebhookDeliveryRow>();
    public ITable<MemberRow> Members => this.GetTable<MemberRow>();
}
