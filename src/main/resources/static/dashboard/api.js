// Thin helpers over the JSON API; every path is under /api/v1 on the same origin.
// With authentication on, the page keeps the API token the user typed in sessionStorage (this tab only,
// gone when it closes; never a cookie, so there is nothing for CSRF to ride on) and sends it as
// `Authorization: Bearer …` on every call. With authentication off no token is ever asked for or sent.
const TOKEN_KEY = 'attune.token';

export function token() {
  try { return sessionStorage.getItem(TOKEN_KEY) || ''; } catch (e) { return ''; }
}

export function setToken(t) {
  sessionStorage.setItem(TOKEN_KEY, t);
}

export function clearToken() {
  try { sessionStorage.removeItem(TOKEN_KEY); } catch (e) { /* storage off: nothing kept */ }
}

/** The headers given, plus the Authorization header when the page holds a token. */
export function authHeaders(headers = {}) {
  const t = token();
  return t ? { ...headers, Authorization: `Bearer ${t}` } : { ...headers };
}

/** A refused API call; `status` is the HTTP status (401: no or a refused token, 403: role, 404: not found). */
export class ApiError extends Error {
  constructor(status, detail) {
    super(`${status}: ${detail}` + (status === 403 ? ' (your token\'s role does not allow this)' : ''));
    this.status = status;
  }
}

/** Tells the page that the server refused the token (or wants one) while it runs in the background. */
export function unauthorized() {
  window.dispatchEvent(new Event('attune:unauthorized'));
}

async function refused(r) {
  let detail = r.statusText;
  try { detail = (await r.json()).detail || detail; } catch (e) { /* not JSON */ }
  return new ApiError(r.status, detail);
}

export async function get(path) {
  const r = await fetch('/api/v1' + path, { headers: authHeaders({ Accept: 'application/json' }) });
  if (!r.ok) throw await refused(r);
  return r.json();
}

export async function post(path, body) {
  const r = await fetch('/api/v1' + path, {
    method: 'POST', headers: authHeaders({ 'Content-Type': 'application/json', Accept: 'application/json' }),
    body: JSON.stringify(body ?? {}),
  });
  if (!r.ok) throw await refused(r);
  return r.json().catch(() => ({}));
}

/**
 * Saves an API answer as a file. A plain link cannot send the Authorization header, so with a token the
 * page fetches the file and hands the browser a Blob URL to save; without one the link downloads as usual.
 */
export function downloadWithToken(e) {
  const a = e.currentTarget;
  if (!token() || e.metaKey || e.ctrlKey) return;
  e.preventDefault();
  (async () => {
    const r = await fetch(a.href, { headers: authHeaders() });
    if (!r.ok) throw await refused(r);
    const name = /filename="?([^";]+)"?/.exec(r.headers.get('Content-Disposition') || '')?.[1]
      || a.pathname.split('/').pop();
    const url = URL.createObjectURL(await r.blob());
    const save = document.createElement('a');
    save.href = url; save.download = name;
    document.body.appendChild(save); save.click(); save.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
  })().catch(err => { if (err.status === 401) unauthorized(); else alert(`Export failed: ${err.message}`); });
}

export function esc(v) {
  return String(v ?? '').replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
}

export function fmt(v) {
  if (v === null || v === undefined) return '–';
  if (typeof v === 'number') {
    if (Number.isInteger(v)) return v.toLocaleString('en-US');
    const a = Math.abs(v);
    return a !== 0 && (a < 1e-3 || a >= 1e5) ? v.toExponential(4) : v.toPrecision(5).replace(/\.?0+$/, '');
  }
  return String(v);
}

export function ago(iso) {
  if (!iso) return '–';
  const s = (Date.now() - Date.parse(iso)) / 1000;
  if (s < 60) return `${Math.max(0, Math.round(s))} s ago`;
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86400) return `${Math.round(s / 3600)} h ago`;
  return new Date(iso).toISOString().slice(0, 10);
}

export function config(c) {
  return Object.entries(c || {}).map(([k, v]) => `${esc(k)}=${esc(fmt(v))}`).join(', ');
}
