// A source's webhooks: the list, a new one (its signing secret shown once), enable/disable, a test event and each
// webhook's recent deliveries. Only the owner manages them: for anyone else the API answers 403 and the page says so.
import { h, field, select, time, pct, ms, alertBox, showError, revealOnce } from './dom.js';
import { get, post, put, del } from './api.js';
import { sourceHeader, ownerOnlyList } from './pages.js';
import { METHODS } from './traffic.js';

const FORMATS = [['json', 'JSON (Standard Webhooks)'], ['discord', 'Discord'], ['slack', 'Slack']];
const KINDS = [['level', 'Records of a level'], ['errorRate', 'Error rate over a window'], ['latency', 'Latency over a window']];
const WINDOWS = [['1m', '1 minute'], ['5m', '5 minutes'], ['15m', '15 minutes'], ['1h', '1 hour']];
const LEVELS = ['INFO', 'WARNING', 'FATAL'];
const POLL_MS = 2000;
/** How long a test event's delivery is watched for a final status: its first attempt, and a retry or two. */
const POLLS = 30;

/** What makes the webhook fire, in words. */
function ruleText(rule) {
  const filters = [rule.method, rule.domain, rule.pathnameTemplate, rule.statusClass].filter(Boolean);
  const only = filters.length ? `; only ${filters.join(' ')}` : '';
  const over = `over ${rule.window}, at least ${rule.minCount} records`;
  if (rule.kind === 'level') return `Level ${rule.levels.join(', ')}${only}`;
  if (rule.kind === 'errorRate') return `Error rate ≥ ${pct(rule.threshold)} ${over}${only}`;
  return `p${rule.percentile} ≥ ${ms(rule.thresholdMs)} ${over}${only}`;
}

function state(w) {
  if (w.enabled) return h('span', { class: 'badge w-enabled' }, 'Enabled');
  if (!w.disabledReason) return h('span', { class: 'badge w-disabled' }, 'Disabled');
  return [h('span', { class: 'badge w-stopped' }, 'Disabled automatically'), h('span', { class: 'hint block' }, w.disabledReason)];
}

const answer = d => [d.lastStatusCode != null ? `HTTP ${d.lastStatusCode}` : null, d.lastError].filter(Boolean).join(': ') || '—';

function deliveriesTable(w, deliveries) {
  if (!deliveries.length) return h('p', { class: 'empty' }, `No delivery to “${w.name}” yet. Send test queues one.`);
  return h('table', {},
    h('caption', {}, `Recent deliveries of “${w.name}”`),
    h('thead', {}, h('tr', {}, ['Time', 'Event', 'Status', 'Attempts', 'Last answer', 'Delivered'].map(c => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, deliveries.map(d => h('tr', {},
      h('td', {}, time(d.createdAt)),
      h('td', { title: `event id ${d.eventId}` }, d.type),
      h('td', {}, h('span', { class: `badge d-${d.status}` }, d.status)),
      h('td', { class: 'num' }, String(d.attempts)),
      h('td', { class: 'path' }, answer(d)),
      h('td', {}, d.deliveredAt ? time(d.deliveredAt) : '—')))));
}

/** The create form: POST /webhooks/:trafficSourceId's fields, with the rule's fields of the chosen kind. */
function webhookForm(create) {
  const error = alertBox();
  const name = h('input', { name: 'name', required: true, maxlength: 100, placeholder: 'on-call channel' });
  const url = h('input', { name: 'url', type: 'url', required: true, maxlength: 2048, placeholder: 'https://hooks.example.com/arkyn' });
  const format = select('format', FORMATS, 'json');
  const enabled = h('input', { type: 'checkbox', name: 'enabled', checked: true });
  const kind = select('kind', KINDS, 'level');
  const levels = LEVELS.map(l => h('input', { type: 'checkbox', name: 'levels', value: l, checked: l === 'FATAL' }));
  const number = (name, value, props) => h('input', { name, type: 'number', required: true, step: 'any', value, ...props });
  const threshold = number('threshold', 5, { min: 0.01, max: 100 });
  const percentile = number('percentile', 95, { min: 0.1, max: 100 });
  const thresholdMs = number('thresholdMs', 500, { min: 0.001 });
  const windowSelect = select('window', WINDOWS, '5m');
  const minCount = number('minCount', 20, { min: 1, max: 1000000, step: 1 });
  const method = select('method', [['', 'Any'], ...METHODS.map(m => [m, m])], '');
  const domain = h('input', { name: 'domain', placeholder: 'api.example.com' });
  const pathnameTemplate = h('input', { name: 'pathnameTemplate', placeholder: '/users/{id}' });
  const statusClass = select('statusClass', [['', 'Any'], ...['1xx', '2xx', '3xx', '4xx', '5xx'].map(c => [c, c])], '');

  // A fieldset of another kind is hidden and disabled: the browser then neither shows nor checks its fields.
  const group = (kinds, ...children) => [kinds, h('fieldset', { class: 'group' }, children)];
  const groups = [
    group(['level'], h('legend', {}, 'Levels'), levels.map((box, i) => h('label', { class: 'check' }, box, h('span', {}, LEVELS[i])))),
    group(['errorRate'], field('Threshold (%)', threshold)),
    group(['latency'], field('Percentile', percentile), field('Threshold (ms)', thresholdMs)),
    group(['errorRate', 'latency'], field('Window', windowSelect), field('Minimum records', minCount)),
  ];
  const showKind = () => groups.forEach(([kinds, set]) => { set.hidden = set.disabled = !kinds.includes(kind.value); });
  kind.addEventListener('change', showKind);
  showKind();

  const form = h('form', { class: 'card inline', 'aria-labelledby': 'new-webhook' },
    h('h2', { id: 'new-webhook' }, 'New webhook'),
    field('Name', name), field('URL', url), field('Format', format),
    h('label', { class: 'check' }, enabled, h('span', {}, 'Enabled')),
    h('fieldset', { class: 'rule' }, h('legend', {}, 'Rule'), field('Alert on', kind), groups.map(([, set]) => set)),
    h('fieldset', { class: 'rule' }, h('legend', {}, 'Only records that match (optional)'),
      field('Method', method), field('Domain', domain), field('Endpoint', pathnameTemplate), field('Status class', statusClass)),
    error, h('button', { type: 'submit' }, 'Create webhook'));

  form.addEventListener('submit', async e => {
    e.preventDefault();
    error.hidden = true;
    const rule = { kind: kind.value };
    if (kind.value === 'level') rule.levels = levels.filter(b => b.checked).map(b => b.value);
    else Object.assign(rule, { window: windowSelect.value, minCount: Number(minCount.value) });
    if (kind.value === 'errorRate') rule.threshold = Number(threshold.value) / 100;
    if (kind.value === 'latency') Object.assign(rule, { percentile: Number(percentile.value), thresholdMs: Number(thresholdMs.value) });
    for (const [key, control] of Object.entries({ method, domain, pathnameTemplate, statusClass }))
      if (control.value.trim()) rule[key] = control.value.trim();
    try {
      await create({ name: name.value, url: url.value.trim(), format: format.value, rule, enabled: enabled.checked });
      name.value = '';
      url.value = '';
    } catch (err) { showError(error, err); }
  });
  return form;
}

export async function alertsPage(ctx) {
  const sourceId = ctx.params[0];
  await sourceHeader(ctx, 'alerts');
  const base = `/webhooks/${encodeURIComponent(sourceId)}`;
  const list = async () => (await get(`${base}?pageLimit=100`)).data;
  let webhooks = await ownerOnlyList(ctx, list, 'Alerts', 'manages its webhooks');
  if (!webhooks) return null;

  const secretSlot = h('div');
  const listSlot = h('div');
  const deliveriesSlot = h('div');
  const actionError = alertBox();
  const note = h('p', { class: 'hint', role: 'status', 'aria-live': 'polite' });
  let open = null;
  let timer = null;

  /** The deliveries of one webhook; with an event id, polled until that event is no longer pending. */
  async function showDeliveries(w, eventId, polls = POLLS) {
    clearTimeout(timer);
    open = w.id;
    const deliveries = (await get(`/webhooks/${encodeURIComponent(w.id)}/deliveries?pageLimit=20`)).data;
    if (!ctx.isCurrent() || open !== w.id) return;
    deliveriesSlot.replaceChildren(
      h('div', { class: 'toolbar' }, h('h2', {}, `Deliveries: ${w.name}`),
        h('button', { type: 'button', class: 'secondary', onclick: () => showDeliveries(w).catch(err => showError(actionError, err)) }, 'Refresh deliveries')),
      deliveriesTable(w, deliveries));
    if (!eventId) return;
    const test = deliveries.find(d => d.eventId === eventId);
    if (test && test.status !== 'pending') note.textContent = `Test event to “${w.name}”: ${test.status} (${answer(test)}).`;
    else if (polls > 0) timer = setTimeout(() => showDeliveries(w, eventId, polls - 1).catch(err => showError(actionError, err)), POLL_MS);
  }

  const action = (label, ariaLabel, className, run) => h('button', {
    type: 'button', class: className, 'aria-label': ariaLabel,
    onclick: async e => {
      const button = e.currentTarget;
      button.disabled = true;
      actionError.hidden = true;
      try { await run(); } catch (err) { showError(actionError, err); } finally { button.disabled = false; }
    },
  }, label);

  function draw() {
    listSlot.replaceChildren(webhooks.length
      ? h('table', { class: 'webhooks' },
        h('caption', {}, 'Webhooks of this source'),
        h('thead', {}, h('tr', {}, ['Name', 'URL', 'Format', 'Rule', 'State', 'Last delivery', 'Actions'].map(c => h('th', { scope: 'col' }, c)))),
        h('tbody', {}, webhooks.map(w => h('tr', {},
          h('td', {}, w.name),
          h('td', { class: 'path' }, w.url),
          h('td', {}, w.format),
          h('td', {}, ruleText(w.rule)),
          h('td', {}, state(w), w.consecutiveFailures ? h('span', { class: 'hint block' }, `${w.consecutiveFailures} failed in a row`) : null),
          h('td', {}, w.lastDeliveryAt ? time(w.lastDeliveryAt) : 'never'),
          h('td', { class: 'row-actions' },
            action(w.enabled ? 'Disable' : 'Enable', `${w.enabled ? 'Disable' : 'Enable'} ${w.name}`, 'secondary', async () => {
              await put(`/webhooks/${encodeURIComponent(w.id)}`, { enabled: !w.enabled });
              note.textContent = `“${w.name}” ${w.enabled ? 'disabled' : 'enabled'}.`;
              await refresh();
            }),
            action('Send test', `Send test to ${w.name}`, 'secondary', async () => {
              const queued = await post(`/webhooks/${encodeURIComponent(w.id)}/test`);
              note.textContent = `Test event to “${w.name}” queued (event ${queued.eventId}); its delivery is listed below.`;
              await showDeliveries(w, queued.eventId);
            }),
            action('Deliveries', `Deliveries of ${w.name}`, 'secondary', () => showDeliveries(w)),
            action('Delete', `Delete ${w.name}`, 'danger', async () => {
              if (!confirm(`Delete the webhook “${w.name}”? Its pending deliveries are dropped.`)) return;
              await del(`/webhooks/${encodeURIComponent(w.id)}`);
              note.textContent = `“${w.name}” deleted.`;
              if (open === w.id) { clearTimeout(timer); open = null; deliveriesSlot.replaceChildren(); }
              await refresh();
            }))))))
      : h('p', { class: 'empty' }, 'No webhook yet. Create one below to be told when this source’s traffic goes wrong.'));
  }

  async function refresh() {
    webhooks = await list();
    if (ctx.isCurrent()) draw();
  }

  const form = webhookForm(async body => {
    const created = await post(base, body);
    secretSlot.replaceChildren(revealOnce(`Webhook “${created.name}” created`,
      'Copy this signing secret now: it is shown only once. Receivers check the webhook-signature header of every post with it (Standard Webhooks).',
      created.secret, 'Copy secret'));
    note.textContent = '';
    await refresh();
  });

  draw();
  ctx.main.append(h('h2', {}, 'Alerts'),
    h('p', { class: 'hint' }, 'Webhooks post to a URL when this source’s traffic matches their rule; every post is signed and retried until delivered.'),
    secretSlot, actionError, note, listSlot, deliveriesSlot, form);
  return () => clearTimeout(timer);
}
