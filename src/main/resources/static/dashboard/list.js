// The studies list: search, status filter, live refresh every few seconds (a small summary query).
import { get, esc, fmt, ago, unauthorized } from './api.js';

export async function renderList(app) {
  document.getElementById('crumbs').textContent = 'Studies';
  document.title = 'Attune · studies';
  app.innerHTML = `
    <h1>Studies</h1>
    <div class="controls">
      <input id="search" type="search" placeholder="Search name, project, method, id" size="36">
      <select id="status"><option value="">any status</option><option>ACTIVE</option><option>STOPPING</option><option>DONE</option></select>
      <span class="muted" id="updated"></span>
    </div>
    <table id="studies"><thead><tr>
      <th>Name</th><th>Project</th><th>Method</th><th>Status</th><th>Trials</th><th>By status</th>
      <th>Best</th><th>Progress</th><th>Created</th><th>Last activity</th></tr></thead><tbody></tbody></table>`;
  const params = new URLSearchParams(location.search);
  const search = app.querySelector('#search');
  const status = app.querySelector('#status');
  search.value = params.get('q') || '';
  status.value = params.get('status') || '';
  let timer;
  async function load() {
    const q = new URLSearchParams();
    if (search.value) q.set('q', search.value);
    if (status.value) q.set('status', status.value);
    history.replaceState(null, '', '/' + (q.toString() ? '?' + q : ''));
    const list = await get('/summaries?' + q);
    app.querySelector('#studies tbody').innerHTML = list.items.map(row).join('')
      || '<tr><td colspan="10" class="muted">No studies yet: create one with POST /api/v1/studies.</td></tr>';
    app.querySelector('#updated').textContent = 'updated ' + new Date().toLocaleTimeString();
  }
  search.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(load, 250); });
  status.addEventListener('change', load);
  await load();
  const poll = setInterval(() => { if (!document.hidden) load().catch(e => { if (e.status === 401) unauthorized(); }); }, 3000);
  document.getElementById('live').classList.add('on');
  return () => { clearInterval(poll); document.getElementById('live').classList.remove('on'); };
}

function row(s) {
  const counts = Object.entries(s.trialCounts).filter(([, n]) => n > 0)
    .map(([k, n]) => `<span class="badge ${k}">${k.toLowerCase()} ${n}</span>`).join(' ');
  const p = s.progress.length ? Math.max(...s.progress.map(x => x.fraction)) : null;
  const progress = p === null ? '<span class="muted">no limit</span>'
    : `<div class="bar" title="${esc(s.progress.map(x => `${x.criterion}: ${fmt(x.done)} / ${fmt(x.limit)}`).join('\n'))}"><span style="width:${(p * 100).toFixed(1)}%"></span></div>`;
  return `<tr data-study="${esc(s.id)}">
    <td><a data-link href="/studies/${encodeURIComponent(s.id)}">${esc(s.name)}</a></td>
    <td>${esc(s.project)}</td><td>${esc(s.method)}</td>
    <td><span class="badge ${esc(s.status)}">${esc(s.status)}</span></td>
    <td class="trials">${fmt(s.trials)}</td><td class="counts">${counts}</td>
    <td class="best">${s.bestValue === null ? '–' : esc(fmt(s.bestValue))} <span class="muted">${esc(s.metric)} ${esc(s.mode)}</span></td>
    <td>${progress}</td><td>${ago(s.createdAt)}</td><td>${ago(s.lastActivityAt)}</td></tr>`;
}
