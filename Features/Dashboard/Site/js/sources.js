// The caller's traffic sources, owned and shared, and a form for a new one.
import { h, field, time, alertBox, showError } from './dom.js';
import { post } from './api.js';
import { loadSources, roleOf, sourcePath } from './pages.js';

export async function sourcesPage(ctx) {
  const sources = await loadSources();
  const rows = sources.map(source => {
    const owner = roleOf(source, ctx.me) === 'OWNER';
    return h('tr', {},
      h('td', {}, h('a', { href: `#${sourcePath(source.id, 'traffic')}` }, source.name)),
      h('td', {}, source.trafficDomain),
      h('td', {}, roleOf(source, ctx.me)),
      h('td', {}, time(source.createdAt)),
      h('td', {}, owner ? h('a', { href: `#${sourcePath(source.id, 'keys')}`, 'aria-label': `Ingest keys of ${source.name}` }, 'Ingest keys') : '—'));
  });
  const list = sources.length
    ? h('table', {},
      h('thead', {}, h('tr', {}, ['Name', 'Traffic domain', 'Role', 'Created', 'Keys'].map(c => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, rows))
    : h('p', { class: 'empty' }, 'No traffic source yet. Create one below: each application you monitor gets its own.');

  const error = alertBox();
  const name = h('input', { name: 'name', required: true, maxlength: 100 });
  const domain = h('input', { name: 'trafficDomain', required: true, maxlength: 255, placeholder: 'api.example.com' });
  const form = h('form', { class: 'card inline', 'aria-labelledby': 'new-source' },
    h('h2', { id: 'new-source' }, 'New source'),
    field('Name', name), field('Traffic domain', domain), error,
    h('button', { type: 'submit' }, 'Create source'));
  form.addEventListener('submit', async e => {
    e.preventDefault();
    error.hidden = true;
    try {
      const created = await post('/traffic-source', { name: name.value, trafficDomain: domain.value });
      await loadSources();
      ctx.navigate(`#${sourcePath(created.id, 'keys')}`);
    } catch (err) { showError(error, err); }
  });

  ctx.main.append(h('h1', {}, 'Traffic sources'), list, form);
}
