// Builds the page from elements and text nodes only. Captured traffic (paths, headers, bodies, user ids) is hostile
// input: strings are always appended as text, and nothing in the dashboard ever parses a string as HTML.

const SVG = 'http://www.w3.org/2000/svg';

function build(el, props, children) {
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value == null || value === false) continue;
    if (key === 'class') el.setAttribute('class', value);
    else if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child == null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** An HTML element: h('a', { href }, 'text', child, …). Attribute names are always the dashboard's own. */
export const h = (tag, props, ...children) => build(document.createElement(tag), props, children);

/** An SVG element, for the chart. */
export const s = (tag, props, ...children) => build(document.createElementNS(SVG, tag), props, children);

const published = /^(\d{2})\/(\d{2})\/(\d{4}) at (\d{2}):(\d{2}):(\d{2})$/;

/** The API writes UTC as "MM/dd/yyyy at HH:mm:ss" by default, or ISO 8601 when configured: both become a Date. */
export function parseTime(text) {
  const m = published.exec(text ?? '');
  if (m) return new Date(Date.UTC(+m[3], +m[1] - 1, +m[2], +m[4], +m[5], +m[6]));
  const d = new Date(text);
  return Number.isNaN(d.getTime()) ? null : d;
}

const localTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'short', timeStyle: 'medium' });
const shortTime = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });

/** A timestamp in the browser's local time, with UTC on hover. */
export function time(text) {
  const d = parseTime(text);
  if (!d) return h('span', {}, text ?? '—');
  return h('time', { datetime: d.toISOString(), title: `${d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC')}` }, localTime.format(d));
}

export const shortDate = d => shortTime.format(d);

const decimals = new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 });
const integer = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });

export const ms = n => (n == null ? '—' : `${decimals.format(n)} ms`);
export const pct = n => (n == null ? '—' : `${decimals.format(n * 100)} %`);
export const count = n => integer.format(n ?? 0);

/** A datetime-local input's value (local time) as ISO 8601 UTC, and back. */
export const fromLocalInput = v => (v ? new Date(v).toISOString() : '');
export function toLocalInput(iso) {
  const d = iso ? new Date(iso) : null;
  if (!d || Number.isNaN(d.getTime())) return '';
  const p = n => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** A labelled control: <label>Text <control></label>, so every field has a visible label. */
export const field = (label, control) => h('label', { class: 'field' }, h('span', {}, label), control);

export function select(name, options, value) {
  return h('select', { name }, options.map(([v, text]) => h('option', { value: v, selected: v === (value ?? '') }, text)));
}

/** A status code with its class as colour and as text. */
export function statusBadge(status, level) {
  const cls = `${String(status)[0]}xx`;
  return h('span', { class: `badge s${cls}` }, String(status), level ? h('span', { class: 'level' }, ` ${level}`) : null);
}

export const levelBadge = level => h('span', { class: `badge l-${String(level).toLowerCase()}` }, level);

/** Copies text; falls back to selecting it where the Clipboard API is not available (plain http on another host). */
export function copyButton(label, text, target) {
  const button = h('button', { type: 'button', class: 'secondary' }, label);
  button.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(text);
      button.textContent = 'Copied';
    } catch {
      if (target) getSelection().selectAllChildren(target);
      button.textContent = 'Selected: press Ctrl+C';
    }
    setTimeout(() => { button.textContent = label; }, 2000);
  });
  return button;
}

/** A secret the API shows only once (a new key, a webhook's signing secret): highlighted, with a copy button. */
export function revealOnce(title, warning, secret, copyLabel, ...more) {
  const code = h('code', { class: 'key' }, secret);
  return h('section', { class: 'card reveal', 'aria-label': title },
    h('h2', {}, title), h('p', { class: 'warning' }, warning), h('p', { class: 'key-line' }, code, copyButton(copyLabel, secret, code)), more);
}

/** The API's problem message for a form: detail, then each field's messages. */
export function problemText(error) {
  const fields = Object.values(error?.problem?.errors ?? {}).flat();
  const detail = error?.problem?.detail ?? error?.message ?? 'Something went wrong.';
  return fields.length ? `${detail} ${fields.join(' ')}` : detail;
}

export const alertBox = () => h('p', { class: 'error', role: 'alert', hidden: true });

export function showError(box, error) {
  box.textContent = problemText(error);
  box.hidden = false;
}
