// What the pages of a traffic source share: their tabs, the source's name in the heading, links inside the dashboard.
import { h, problemText } from './dom.js';
import { get } from './api.js';

/**
 * A source's pages, in tab order. A page that needs the owner's rights says so and is hidden from members.
 * Alerts and Members stay visible to members: their pages say that only the owner manages them.
 */
export const sourceTabs = [
  { path: 'traffic', label: 'Traffic' },
  { path: 'stats', label: 'Stats' },
  { path: 'alerts', label: 'Alerts' },
  { path: 'members', label: 'Members' },
  { path: 'keys', label: 'Ingest keys', ownerOnly: true },
];

/** A dashboard URL: #/sources/{id}/{page}?{query}. */
export function href(path, params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params ?? {})) if (v != null && v !== '') q.set(k, v);
  const text = q.toString();
  return `#${path}${text ? `?${text}` : ''}`;
}

export const sourcePath = (sourceId, page) => `/sources/${encodeURIComponent(sourceId)}/${page}`;

let known = new Map();

/** The caller's sources (owned and shared), newest first, as GET /traffic-source pages them. */
export async function loadSources() {
  const sources = [];
  for (let page = 1; ; page++) {
    const body = await get(`/traffic-source?page=${page}&pageLimit=100`);
    sources.push(...body.data);
    if (body.data.length < 100 || sources.length >= (body.meta.totalItems ?? Infinity)) break;
  }
  known = new Map(sources.map(s => [s.id, s]));
  return sources;
}

export const forgetSources = () => { known = new Map(); };

/** OWNER for the caller's own sources; a member's role (READ_ONLY, …) as the API gives it. */
export const roleOf = (source, me) => source.role ?? (source.userId === me?.id ? 'OWNER' : 'MEMBER');

async function findSource(id) {
  if (!known.has(id)) await loadSources();
  return known.get(id) ?? null;
}

/** The heading of a source's page and its tabs; resolves to the source (null when it is not the caller's). */
export async function sourceHeader(ctx, active) {
  const title = h('h1', {}, 'Traffic source');
  const tabs = h('nav', { class: 'tabs', 'aria-label': 'Source pages' });
  ctx.main.append(h('p', { class: 'crumbs' }, h('a', { href: '#/sources' }, 'Traffic sources')), title, tabs);
  const source = await findSource(ctx.params[0]);
  if (source) title.textContent = source.name;
  const owner = source && roleOf(source, ctx.me) === 'OWNER';
  for (const tab of sourceTabs) {
    if (tab.ownerOnly && !owner) continue;
    tabs.append(h('a', { href: `#${sourcePath(ctx.params[0], tab.path)}`, 'aria-current': tab.path === active ? 'page' : null }, tab.label));
  }
  return source;
}

/**
 * The list an owner-only page starts from (webhooks, members). Anyone else gets a 403 from the API: the page then
 * says why, in its words and the API's, and this resolves to null.
 */
export async function ownerOnlyList(ctx, load, heading, what) {
  try {
    return await load();
  } catch (error) {
    if (error.status !== 403) throw error;
    ctx.main.append(h('h2', {}, heading), h('div', { class: 'card' },
      h('p', { class: 'warning' }, `Only the owner of this traffic source ${what}. A member reads its traffic and stats.`),
      h('p', { class: 'hint' }, `The API answered: ${problemText(error)}`)));
    return null;
  }
}
