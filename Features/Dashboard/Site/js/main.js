// The dashboard's shell: hash routes, the signed-in user, sign out, and the return to Sign in on a 401.
import { h, alertBox, showError } from './dom.js';
import { get, session, onUnauthorized } from './api.js';
import { forgetSources } from './pages.js';
import { signInPage } from './signin.js';
import { sourcesPage } from './sources.js';
import { keysPage } from './keys.js';
import { trafficPage } from './traffic.js';
import { recordPage } from './record.js';
import { statsPage } from './stats.js';

// Alerts and Members are fetched when first opened: the first load of every other page does not carry them.
const later = (load, name) => async ctx => (await load())[name](ctx);

const routes = [
  [/^\/signin$/, signInPage, { anonymous: true }],
  [/^\/sources$/, sourcesPage],
  [/^\/sources\/([^/]+)\/traffic$/, trafficPage],
  [/^\/sources\/([^/]+)\/traffic\/([^/]+)$/, recordPage],
  [/^\/sources\/([^/]+)\/stats$/, statsPage],
  [/^\/sources\/([^/]+)\/keys$/, keysPage],
  [/^\/sources\/([^/]+)\/alerts$/, later(() => import('./alerts.js'), 'alertsPage')],
  [/^\/sources\/([^/]+)\/members$/, later(() => import('./members.js'), 'membersPage')],
];

const main = document.getElementById('main');
const account = document.getElementById('account');
let me = null;
let cleanup = null;
let returnTo = null;
let generation = 0;

function navigate(hash) {
  if (location.hash === hash) render();
  else location.hash = hash;
}

function signOut() {
  session.signOut();
  me = null;
  forgetSources();
  navigate('#/signin');
}

onUnauthorized(() => {
  me = null;
  forgetSources();
  returnTo = location.hash.startsWith('#/signin') ? null : location.hash;
  navigate('#/signin');
});

function showAccount() {
  account.replaceChildren();
  if (!me) return;
  account.append(h('span', { class: 'who' }, me.name), h('button', { type: 'button', class: 'secondary', onclick: signOut }, 'Sign out'));
}

async function render() {
  const mine = ++generation;
  cleanup?.();
  cleanup = null;
  const [path, search] = (location.hash.slice(1) || '/sources').split('?');
  const route = routes.find(([pattern]) => pattern.test(path));
  if (!route) return navigate('#/sources');
  const [pattern, page, options] = route;
  if (!options?.anonymous && !session.token) {
    returnTo = location.hash;
    return navigate('#/signin');
  }
  // Each render draws into a view of its own: a page still awaiting the API after a newer render only fills a detached one.
  const view = h('div', { class: 'view' });
  main.replaceChildren(view);
  if (options?.anonymous) {
    session.signOut();
    me = null;
    forgetSources();
  }
  try {
    if (!options?.anonymous && !me) me = await get('/user/me');
    if (mine !== generation) return;
    showAccount();
    const ctx = {
      main: view, me, navigate,
      params: pattern.exec(path).slice(1).map(decodeURIComponent),
      query: new URLSearchParams(search ?? ''),
      isCurrent: () => mine === generation,
      signedIn(user) {
        me = user;
        const target = returnTo ?? '#/sources';
        returnTo = null;
        navigate(target);
      },
    };
    const done = await page(ctx);
    if (mine === generation) cleanup = done ?? null;
    else done?.();
  } catch (error) {
    if (mine !== generation || error.status === 401) return;
    const box = alertBox();
    showError(box, error);
    main.append(box);
  }
}

window.addEventListener('hashchange', render);
render();
