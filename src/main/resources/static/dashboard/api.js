// Thin helpers over the JSON API; every path is under /api/v1 on the same origin.
export async function get(path) {
  const r = await fetch('/api/v1' + path, { headers: { Accept: 'application/json' } });
  if (!r.ok) {
    let detail = r.statusText;
    try { detail = (await r.json()).detail || detail; } catch (e) { /* not JSON */ }
    throw new Error(`${r.status}: ${detail}`);
  }
  return r.json();
}

export async function post(path, body) {
  const r = await fetch('/api/v1' + path, {
    method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify(body ?? {}),
  });
  const json = await r.json().catch(() => ({}));
  if (!r.ok) throw new Error(`${r.status}: ${json.detail || r.statusText}`);
  return json;
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
