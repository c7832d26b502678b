// Sign in, or on a fresh install the first account (POST /user, then signed in at once).
import { h, field, alertBox, showError } from './dom.js';
import { get, post, session } from './api.js';

async function signInWith(ctx, email, password) {
  const { token } = await post('/user/auth', { email, password });
  session.signIn(token);
  ctx.signedIn(await get('/user/me'));
}

function accountForm(ctx, title, intro) {
  const error = alertBox();
  const name = h('input', { name: 'name', autocomplete: 'name', required: true, maxlength: 100 });
  const email = h('input', { name: 'email', type: 'email', autocomplete: 'username', required: true });
  const password = h('input', { name: 'password', type: 'password', autocomplete: 'new-password', required: true, minlength: 8 });
  const form = h('form', { class: 'card narrow', 'aria-labelledby': 'form-title' },
    h('h1', { id: 'form-title' }, title), intro ? h('p', {}, intro) : null,
    field('Name', name), field('Email', email), field('Password', password),
    h('p', { class: 'hint' }, 'At least 8 characters.'), error,
    h('button', { type: 'submit' }, 'Create account'));
  form.addEventListener('submit', async e => {
    e.preventDefault();
    error.hidden = true;
    try {
      await post('/user', { name: name.value, email: email.value, password: password.value });
      await signInWith(ctx, email.value, password.value);
    } catch (err) { showError(error, err); }
  });
  ctx.main.replaceChildren(form);
  name.focus();
}

function signInForm(ctx, registrationOpen) {
  const error = alertBox();
  const email = h('input', { name: 'email', type: 'email', autocomplete: 'username', required: true });
  const password = h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const form = h('form', { class: 'card narrow', 'aria-labelledby': 'form-title' },
    h('h1', { id: 'form-title' }, 'Sign in'),
    field('Email', email), field('Password', password), error,
    h('button', { type: 'submit' }, 'Sign in'),
    registrationOpen
      ? h('p', {}, h('button', { type: 'button', class: 'link', onclick: () => accountForm(ctx, 'Create an account') }, 'Create an account'))
      : null);
  form.addEventListener('submit', async e => {
    e.preventDefault();
    error.hidden = true;
    try { await signInWith(ctx, email.value, password.value); } catch (err) { showError(error, err); }
  });
  ctx.main.replaceChildren(form);
  email.focus();
}

export async function signInPage(ctx) {
  const registration = await get('/user/registration').catch(() => ({ open: false, firstAccount: false }));
  if (registration.firstAccount)
    accountForm(ctx, 'Create the first account',
      'This server has no account yet. Create the first one: you sign in with it at once and can then add traffic sources.');
  else signInForm(ctx, registration.open);
}
