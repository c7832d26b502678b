// A source's traffic: the list route's filters, newest first, "Load more" by cursor, and new records by polling.
import { h, field, select, time, ms, statusBadge, alertBox, showError, fromLocalInput, toLocalInput } from './dom.js';
import { get, query } from './api.js';
import { sourceHeader, sourcePath, href } from './pages.js';

const PAGE = 50;
const POLL_MS = 5000;
export const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'TRACE', 'CONNECT'];
/** The filters of GET /http-traffic-record, as the page's URL names them. */
export const FILTERS = ['method', 'statusClass', 'level', 'pathnameTemplate', 'domain', 'startDate', 'endDate', 'trafficUserId'];

function filterForm(ctx, filters) {
  const input = (name, props) => h('input', { name, value: filters[name] ?? '', ...props });
  const from = input('startDate', { type: 'datetime-local', value: toLocalInput(filters.startDate) });
  const to = input('endDate', { type: 'datetime-local', value: toLocalInput(filters.endDate) });
  const form = h('form', { class: 'filters', role: 'search', 'aria-label': 'Filter traffic' },
    field('Method', select('method', [['', 'Any'], ...METHODS.map(m => [m, m])], filters.method)),
    field('Status class', select('statusClass', [['', 'Any'], ...['1xx', '2xx', '3xx', '4xx', '5xx'].map(c => [c, c])], filters.statusClass)),
    field('Level', select('level', [['', 'Any'], ['INFO', 'INFO'], ['WARNING', 'WARNING'], ['FATAL', 'FATAL']], filters.level)),
    field('Endpoint', input('pathnameTemplate', { placeholder: '/users/{id}' })),
    field('Domain', input('domain', { placeholder: 'api.example.com' })),
    field('From', from), field('To', to),
    field('User', input('trafficUserId')),
    h('div', { class: 'actions' },
      h('button', { type: 'submit' }, 'Apply filters'),
      h('a', { href: `#${sourcePath(ctx.params[0], 'traffic')}`, class: 'button secondary' }, 'Clear')));
  form.addEventListener('submit', e => {
    e.preventDefault();
    const data = Object.fromEntries(new FormData(form));
    data.startDate = fromLocalInput(data.startDate);
    data.endDate = fromLocalInput(data.endDate);
    for (const k of ['pathnameTemplate', 'domain', 'trafficUserId']) data[k] = data[k].trim();
    ctx.navigate(href(sourcePath(ctx.params[0], 'traffic'), data));
  });
  return form;
}

/** One row of the table; every value that came from the traffic goes in as text. */
export function trafficRow(sourceId, r) {
  return h('tr', { 'data-id': r.id },
    h('td', {}, time(r.createdAt)),
    h('td', {}, r.method),
    h('td', {}, statusBadge(r.status, r.level)),
    h('td', { class: 'endpoint' }, h('a', { href: `#${sourcePath(sourceId, 'traffic')}/${encodeURIComponent(r.id)}`, title: `${r.protocol.toLowerCase()}://${r.domain}${r.pathname}` }, r.pathname)),
    h('td', { class: 'num' }, ms(r.elapsedTime)),
    h('td', {}, r.trafficUserId ?? '—'));
}

export async function trafficPage(ctx) {
  const sourceId = ctx.params[0];
  const filters = Object.fromEntries(FILTERS.map(f => [f, ctx.query.get(f) ?? '']).filter(([, v]) => v));
  const limit = Math.min(Math.max(Number(ctx.query.get('pageLimit')) || PAGE, 20), 100);
  const base = `/http-traffic-record/${encodeURIComponent(sourceId)}`;
  await sourceHeader(ctx, 'traffic');

  const error = alertBox();
  const tbody = h('tbody');
  const table = h('table', { class: 'traffic' },
    h('caption', {}, 'Traffic, newest first'),
    h('thead', {}, h('tr', {}, ['Time', 'Method', 'Status', 'Endpoint', 'Duration', 'User'].map(c => h('th', { scope: 'col' }, c)))),
    tbody);
  const empty = h('p', { class: 'empty', hidden: true }, 'No traffic matches. Send some with an ingest key, or widen the filters.');
  const more = h('button', { type: 'button', class: 'secondary', hidden: true }, 'Load more');
  const live = h('input', { type: 'checkbox', name: 'live', checked: true });
  const status = h('span', { class: 'hint', role: 'status', 'aria-live': 'polite' });
  const shown = new Set();
  let cursor = null;

  function rows(records) {
    const fragment = document.createDocumentFragment();
    for (const r of records) if (!shown.has(r.id)) { shown.add(r.id); fragment.append(trafficRow(sourceId, r)); }
    return fragment;
  }

  function showCursor(next) {
    cursor = next ?? null;
    more.hidden = !cursor;
    empty.hidden = shown.size > 0;
  }

  async function load() {
    const asked = performance.now();
    const page = await get(base + query({ ...filters, pageLimit: limit, cursor }));
    const answered = performance.now();
    tbody.append(rows(page.data));
    showCursor(page.meta.nextCursor);
    // Read by the browser tests (docs/dashboard.md): from the API's answer to the first frame drawn after the rows
    // went in, and from the request to that frame.
    requestAnimationFrame(() => setTimeout(() => {
      const drawn = performance.now();
      performance.measure('arkyn:render', { start: answered, end: drawn, detail: page.data.length });
      performance.measure('arkyn:load', { start: asked, end: drawn, detail: page.data.length });
    }));
  }

  more.addEventListener('click', async () => {
    more.disabled = true;
    try { await load(); } catch (err) { showError(error, err); } finally { more.disabled = false; }
  });

  // New records come in at the top: only what is at or after the newest record shown is asked for (the second it
  // fell in included, since times have second precision), and what is not on screen yet is added above. When a whole
  // page of unseen records comes back, more arrived than a page holds: the table starts over from the newest.
  function newest() {
    const first = tbody.querySelector('time');
    return first ? first.getAttribute('datetime') : null;
  }

  async function poll() {
    if (document.hidden || !live.checked || !ctx.isCurrent()) return;
    try {
      const since = newest();
      const startDate = since && (!filters.startDate || since > filters.startDate) ? since : filters.startDate;
      const page = await get(base + query({ ...filters, startDate, pageLimit: limit }));
      if (!ctx.isCurrent()) return;
      const fresh = page.data.filter(r => !shown.has(r.id));
      if (since && fresh.length === limit) {
        shown.clear();
        cursor = null;
        tbody.replaceChildren();
        await load();
      } else if (fresh.length) {
        const fragment = rows(fresh);
        for (const row of fragment.children) row.classList.add('fresh');
        tbody.prepend(fragment);
        if (!since) showCursor(page.meta.nextCursor);
        empty.hidden = true;
      }
      status.textContent = `Updated ${new Date().toLocaleTimeString()}`;
    } catch (err) {
      if (err.status !== 401) status.textContent = `Live update failed: ${err.message}`;
    }
  }

  const timer = setInterval(poll, POLL_MS);
  const onVisible = () => { if (!document.hidden) poll(); };
  document.addEventListener('visibilitychange', onVisible);

  ctx.main.append(filterForm(ctx, filters),
    h('div', { class: 'toolbar' }, h('label', { class: 'check' }, live, ' Live updates (every 5 s)'), status),
    error, table, empty, h('p', {}, more));
  try { await load(); } catch (err) { showError(error, err); }
  return () => { clearInterval(timer); document.removeEventListener('visibilitychange', onVisible); };
}
