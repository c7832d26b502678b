// The dashboard's only way to the server: the public HTTP API, with the signed-in user's token.
// The token is kept in sessionStorage (this tab only, gone when it closes), never in a cookie or localStorage.

const TOKEN = 'arkyn.token';
let unauthorized = () => {};

export const session = {
  get token() { return sessionStorage.getItem(TOKEN); },
  signIn(token) { sessionStorage.setItem(TOKEN, token); },
  signOut() { sessionStorage.removeItem(TOKEN); },
};

/** Called when the API answers 401 to a signed-in call: the token expired or was revoked. */
export const onUnauthorized = handler => { unauthorized = handler; };

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail ?? problem?.title ?? `The server answered ${status}.`);
    this.status = status;
    this.problem = problem;
  }
}

export async function api(method, path, body) {
  const headers = { Accept: 'application/json' };
  const token = session.token;
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(path, {
    method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store', credentials: 'omit',
  });
  const text = await response.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch { json = null; }
  if (response.status === 401 && token) {
    session.signOut();
    unauthorized();
  }
  if (!response.ok) throw new ApiError(response.status, json);
  return json;
}

/** A query string from an object, leaving out empty values. */
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v != null && v !== '') q.set(k, v);
  const text = q.toString();
  return text ? `?${text}` : '';
}

export const get = path => api('GET', path);
export const post = (path, body) => api('POST', path, body ?? {});
export const put = (path, body) => api('PUT', path, body ?? {});
export const del = path => api('DELETE', path);
