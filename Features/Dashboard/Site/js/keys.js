// A source's ingest keys: the list, revoking, and a new key shown once with the snippets that use it.
import { h, field, time, alertBox, showError, copyButton, revealOnce } from './dom.js';
import { get, post, del } from './api.js';
import { sourceHeader } from './pages.js';

function snippets(sourceId, key) {
  const origin = location.origin;
  const logService = [
    "import { LogService } from '@arkyn/server';",
    '',
    'LogService.setConfig({',
    `  trafficSourceId: '${sourceId}',`,
    `  userToken: '${key}',`,
    `  logBaseApiUrl: '${origin}',`,
    '});',
  ].join('\n');
  const record = JSON.stringify({
    domainUrl: 'https://api.example.com', pathnameUrl: '/users/42', method: 'GET', status: 200, elapsedTime: 12.5,
    requestHeaders: { accept: 'application/json' }, queryParams: {}, responseHeaders: { 'content-type': 'application/json' },
    responseBody: { id: 42 },
  });
  const curl = [
    `curl -X POST '${origin}/http-traffic-record/${sourceId}' \\`,
    `  -H 'Authorization: Bearer ${key}' -H 'Content-Type: application/json' \\`,
    `  -d '${record}'`,
  ].join('\n');
  return { logService, curl };
}

function snippet(title, text) {
  const code = h('code', {}, text);
  return h('div', { class: 'snippet' }, h('div', { class: 'snippet-head' }, h('h3', {}, title), copyButton(`Copy ${title}`, text, code)), h('pre', {}, code));
}

function revealed(sourceId, created) {
  const { logService, curl } = snippets(sourceId, created.key);
  return revealOnce(`Key “${created.name}” created`, 'Copy this key now: it is shown only once. The server keeps only its hash.',
    created.key, 'Copy key', snippet('@arkyn/server', logService), snippet('curl', curl));
}

export async function keysPage(ctx) {
  const sourceId = ctx.params[0];
  await sourceHeader(ctx, 'keys');
  const slot = h('div');
  const listSlot = h('div');
  const error = alertBox();
  const name = h('input', { name: 'name', required: true, maxlength: 100, placeholder: 'production agent' });
  const form = h('form', { class: 'card inline', 'aria-labelledby': 'new-key' },
    h('h2', { id: 'new-key' }, 'New key'), field('Key name', name), error, h('button', { type: 'submit' }, 'Create key'));

  async function refresh() {
    const keys = (await get(`/traffic-source/${encodeURIComponent(sourceId)}/ingest-keys?pageLimit=100`)).data;
    listSlot.replaceChildren(keys.length
      ? h('table', {},
        h('caption', {}, 'Agents send traffic with these keys; a key can only write to this source.'),
        h('thead', {}, h('tr', {}, ['Name', 'Prefix', 'Created', 'Last used', ''].map(c => h('th', { scope: 'col' }, c)))),
        h('tbody', {}, keys.map(k => h('tr', {},
          h('td', {}, k.name), h('td', {}, h('code', {}, `${k.prefix}…`)), h('td', {}, time(k.createdAt)),
          h('td', {}, k.lastUsedAt ? time(k.lastUsedAt) : 'never'),
          h('td', {}, h('button', {
            type: 'button', class: 'danger', 'aria-label': `Revoke ${k.name}`,
            onclick: async () => {
              if (!confirm(`Revoke the key “${k.name}”? Agents using it stop at once.`)) return;
              try { await del(`/ingest-key/${encodeURIComponent(k.id)}`); await refresh(); } catch (err) { showError(error, err); }
            },
          }, 'Revoke'))))))
      : h('p', { class: 'empty' }, 'No key yet. Create one for each agent or application that sends traffic.'));
  }

  form.addEventListener('submit', async e => {
    e.preventDefault();
    error.hidden = true;
    try {
      const created = await post(`/traffic-source/${encodeURIComponent(sourceId)}/ingest-keys`, { name: name.value });
      name.value = '';
      slot.replaceChildren(revealed(sourceId, created));
      await refresh();
    } catch (err) { showError(error, err); }
  });

  ctx.main.append(h('h2', {}, 'Ingest keys'), slot, listSlot, form);
  await refresh();
}
