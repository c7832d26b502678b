// One record view: what was called, how it went, and the request and response as stored (redacted, maybe cut).
import { h, time, ms, statusBadge, levelBadge } from './dom.js';
import { get } from './api.js';
import { sourceHeader, sourcePath } from './pages.js';

const REDACTED = '[REDACTED]';

function pairs(caption, object) {
  const entries = Object.entries(object ?? {});
  if (!entries.length) return h('p', { class: 'empty' }, `No ${caption.toLowerCase()}.`);
  return h('table', { class: 'pairs' },
    h('caption', {}, caption),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Name'), h('th', { scope: 'col' }, 'Value'))),
    h('tbody', {}, entries.map(([name, value]) => {
      const text = typeof value === 'string' ? value : JSON.stringify(value);
      return h('tr', {}, h('th', { scope: 'row' }, name), h('td', { class: text === REDACTED ? 'redacted' : null }, text));
    })));
}

/** A body pretty-printed: JSON values indented, a string body (form text, a truncated cut) as it is. */
function body(title, value, truncated) {
  const text = value == null ? null : typeof value === 'string' ? value : JSON.stringify(value, null, 2);
  return h('section', { class: 'body', 'aria-label': title },
    h('h3', {}, title, truncated ? h('span', { class: 'badge l-warning' }, 'truncated') : null),
    truncated ? h('p', { class: 'hint' }, "Cut at the server's Ingest:MaxBodyBytes: what follows is the start of the body's JSON text.") : null,
    text == null ? h('p', { class: 'empty' }, 'No body.') : h('pre', {}, h('code', {}, text)));
}

export async function recordPage(ctx) {
  const [sourceId, recordId] = ctx.params;
  await sourceHeader(ctx, 'traffic');
  const r = await get(`/http-traffic-record/${encodeURIComponent(sourceId)}/${encodeURIComponent(recordId)}`);
  const url = `${r.protocol.toLowerCase()}://${r.domain}${r.pathname}`;
  const search = new URLSearchParams(Object.entries(r.request.queryParams ?? {}).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)])).toString();
  const facts = [
    ['Method', r.method], ['URL', search ? `${url}?${search}` : url], ['Status', statusBadge(r.status)], ['Level', levelBadge(r.level)],
    ['Duration', ms(r.elapsedTime)], ['Time', time(r.createdAt)], ['User', r.trafficUserId ?? '—'], ['Record id', h('code', {}, r.id)],
  ];
  ctx.main.append(
    h('p', {}, h('a', { href: `#${sourcePath(sourceId, 'traffic')}` }, '← Back to traffic')),
    h('h2', { class: 'record-title' }, `${r.method} `, h('span', { class: 'path' }, r.pathname)),
    h('dl', { class: 'facts' }, facts.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])),
    h('div', { class: 'columns' },
      h('section', { 'aria-labelledby': 'request-title' },
        h('h2', { id: 'request-title' }, 'Request'),
        pairs('Request headers', r.request.headers), pairs('Query parameters', r.request.queryParams),
        body('Request body', r.request.body, r.request.bodyTruncated)),
      h('section', { 'aria-labelledby': 'response-title' },
        h('h2', { id: 'response-title' }, 'Response'),
        pairs('Response headers', r.response.headers),
        body('Response body', r.response.body, r.response.bodyTruncated))));
}
