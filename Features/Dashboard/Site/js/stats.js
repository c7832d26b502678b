// A source's stats: a window and interval, the chart of GET /http-traffic-stats's series, and the endpoint table.
import { h, field, select, ms, pct, count, alertBox, showError, fromLocalInput, toLocalInput } from './dom.js';
import { get, query } from './api.js';
import { sourceHeader, sourcePath, href } from './pages.js';
import { chart } from './chart.js';

const RANGES = { '1h': [3600e3, '1m'], '24h': [86400e3, '1h'], '7d': [7 * 86400e3, '1h'] };
const INTERVALS = [['1m', '1 minute'], ['5m', '5 minutes'], ['1h', '1 hour'], ['1d', '1 day']];
const COLUMNS = [
  ['pathnameTemplate', 'Endpoint', false], ['method', 'Method', false], ['count', 'Count', true], ['errorRate', 'Error rate', true],
  ['p50', 'p50', true], ['p95', 'p95', true], ['p99', 'p99', true], ['maxElapsed', 'Max', true],
];

function windowOf(q) {
  const range = q.get('range') ?? '24h';
  if (range === 'custom') return { range, startDate: q.get('startDate') ?? '', endDate: q.get('endDate') ?? '', interval: q.get('interval') ?? '1h' };
  const [span, interval] = RANGES[range] ?? RANGES['24h'];
  const end = new Date(Math.ceil(Date.now() / 60e3) * 60e3);
  return { range: RANGES[range] ? range : '24h', startDate: new Date(end - span).toISOString(), endDate: end.toISOString(), interval: q.get('interval') ?? interval };
}

function controls(ctx, w) {
  const range = select('range', [['1h', 'Last 1 hour'], ['24h', 'Last 24 hours'], ['7d', 'Last 7 days'], ['custom', 'Custom']], w.range);
  const from = h('input', { type: 'datetime-local', name: 'startDate', value: toLocalInput(w.startDate) });
  const to = h('input', { type: 'datetime-local', name: 'endDate', value: toLocalInput(w.endDate) });
  const custom = h('span', { class: 'custom', hidden: w.range !== 'custom' }, field('From', from), field('To', to));
  const interval = select('interval', INTERVALS, w.interval);
  range.addEventListener('change', () => {
    custom.hidden = range.value !== 'custom';
    if (RANGES[range.value]) interval.value = RANGES[range.value][1];
  });
  const form = h('form', { class: 'filters', 'aria-label': 'Stats window' },
    field('Time range', range), custom, field('Interval', interval),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Show')));
  form.addEventListener('submit', e => {
    e.preventDefault();
    const data = Object.fromEntries(new FormData(form));
    const params = { range: data.range, interval: data.interval };
    if (data.range === 'custom') Object.assign(params, { startDate: fromLocalInput(data.startDate), endDate: fromLocalInput(data.endDate) });
    ctx.navigate(href(sourcePath(ctx.params[0], 'stats'), params));
  });
  return form;
}

function endpointTable(sourceId, endpoints) {
  let key = 'count', descending = true;
  const tbody = h('tbody');
  const heads = COLUMNS.map(([k, label, numeric]) => {
    const button = h('button', { type: 'button', class: 'sort' }, label);
    const th = h('th', { scope: 'col', class: numeric ? 'num' : null }, button);
    button.addEventListener('click', () => {
      descending = key === k ? !descending : numeric;
      key = k;
      draw();
    });
    return th;
  });
  function draw() {
    COLUMNS.forEach(([k], i) => heads[i].setAttribute('aria-sort', k === key ? (descending ? 'descending' : 'ascending') : 'none'));
    const sorted = [...endpoints].sort((a, b) => {
      const [x, y] = [a[key], b[key]];
      const order = typeof x === 'number' ? x - y : String(x).localeCompare(String(y));
      return descending ? -order : order;
    });
    tbody.replaceChildren(...sorted.map(e => h('tr', {},
      h('td', { class: 'endpoint' },
        h('a', { href: href(sourcePath(sourceId, 'traffic'), { pathnameTemplate: e.pathnameTemplate, method: e.method, domain: e.domain }) }, e.pathnameTemplate),
        h('span', { class: 'domain' }, e.domain)),
      h('td', {}, e.method), h('td', { class: 'num' }, count(e.count)), h('td', { class: 'num' }, pct(e.errorRate)),
      h('td', { class: 'num' }, ms(e.p50)), h('td', { class: 'num' }, ms(e.p95)), h('td', { class: 'num' }, ms(e.p99)), h('td', { class: 'num' }, ms(e.maxElapsed)))));
  }
  draw();
  return h('table', { class: 'endpoints' }, h('caption', {}, 'Endpoints: select a column to sort, an endpoint to see its traffic'),
    h('thead', {}, h('tr', {}, heads)), tbody);
}

export async function statsPage(ctx) {
  const sourceId = ctx.params[0];
  await sourceHeader(ctx, 'stats');
  const w = windowOf(ctx.query);
  const error = alertBox();
  ctx.main.append(controls(ctx, w), error);
  if (!w.startDate || !w.endDate) {
    showError(error, { message: 'Choose both ends of a custom range.' });
    return;
  }
  let stats;
  try {
    stats = await get(`/http-traffic-stats/${encodeURIComponent(sourceId)}${query({ startDate: w.startDate, endDate: w.endDate, interval: w.interval })}`);
  } catch (err) {
    showError(error, err);
    return;
  }
  ctx.main.append(
    h('h2', {}, 'Requests and p95 latency over time'),
    chart(stats.series ?? [], 'Requests and p95 latency over time'),
    h('h2', {}, 'Endpoints'),
    stats.endpoints.length ? endpointTable(sourceId, stats.endpoints) : h('p', { class: 'empty' }, 'No traffic in this window.'));
}
