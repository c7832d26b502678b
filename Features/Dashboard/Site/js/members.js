// Who else may read a source: the members, adding one by the email of an existing account, removing one.
// Only the owner manages members: for anyone else the API answers 403 and the page says so.
import { h, field, select, time, alertBox, showError } from './dom.js';
import { get, post, del } from './api.js';
import { sourceHeader, ownerOnlyList } from './pages.js';

const ROLES = [['READ_ONLY', 'Read only']];

export async function membersPage(ctx) {
  const sourceId = ctx.params[0];
  await sourceHeader(ctx, 'members');
  const base = `/traffic-source/${encodeURIComponent(sourceId)}/members`;
  const list = async () => (await get(`${base}?pageLimit=100`)).data;
  let members = await ownerOnlyList(ctx, list, 'Members', 'decides who may read it');
  if (!members) return null;

  const listSlot = h('div');
  const actionError = alertBox();
  const note = h('p', { class: 'hint', role: 'status', 'aria-live': 'polite' });

  function draw() {
    listSlot.replaceChildren(members.length
      ? h('table', {},
        h('caption', {}, 'People who may read this source'),
        h('thead', {}, h('tr', {}, ['Name', 'Email', 'Role', 'Added', 'Actions'].map(c => h('th', { scope: 'col' }, c)))),
        h('tbody', {}, members.map(m => h('tr', {},
          h('td', {}, m.name), h('td', {}, m.email), h('td', {}, m.role), h('td', {}, time(m.createdAt)),
          h('td', {}, h('button', {
            type: 'button', class: 'danger', 'aria-label': `Remove ${m.email}`,
            onclick: async e => {
              const button = e.currentTarget;
              if (!confirm(`Remove ${m.name} (${m.email})? They can no longer read this source, from their next request on.`)) return;
              button.disabled = true;
              actionError.hidden = true;
              try {
                await del(`${base}/${encodeURIComponent(m.userId)}`);
                note.textContent = `${m.email} removed.`;
                await refresh();
              } catch (err) { showError(actionError, err); button.disabled = false; }
            },
          }, 'Remove'))))))
      : h('p', { class: 'empty' }, 'Nobody else reads this source yet. Add someone with an account on this server by their email.'));
  }

  async function refresh() {
    members = await list();
    if (ctx.isCurrent()) draw();
  }

  const error = alertBox();
  const email = h('input', { name: 'email', type: 'email', required: true, maxlength: 254, autocomplete: 'off', placeholder: 'colleague@example.com' });
  const role = select('role', ROLES, 'READ_ONLY');
  const form = h('form', { class: 'card inline', 'aria-labelledby': 'new-member' },
    h('h2', { id: 'new-member' }, 'Add a member'),
    h('p', { class: 'hint summary' }, 'A member sees this source in their list and reads its traffic, records and stats; they change nothing.'),
    field('Email', email), field('Role', role), error, h('button', { type: 'submit' }, 'Add member'));
  form.addEventListener('submit', async e => {
    e.preventDefault();
    error.hidden = true;
    try {
      const added = await post(base, { email: email.value.trim(), role: role.value });
      email.value = '';
      note.textContent = `${added.name} (${added.email}) added.`;
      await refresh();
    } catch (err) { showError(error, err); }
  });

  draw();
  ctx.main.append(h('h2', {}, 'Members'), actionError, note, listSlot, form);
}
