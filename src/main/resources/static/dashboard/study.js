// One study: overview, learning curves, parameters, trials, workers, what-if, and a trial's detail.
// Live: the page follows the study's event stream (SSE from the last seq it saw, read with fetch() so it
// carries the token). The overview's best-so-far series and the newest trials apply each event's delta
// to what they hold (live.js); other views re-read their small downsampled queries after events; every
// view re-reads on a slow timer (resync) while events keep coming.
import { get, post, esc, fmt, ago, config, downloadWithToken, unauthorized } from './api.js';
import { follow } from './stream.js';
import { applyToBestSeries, applyToNewestTrials } from './live.js';
import { Charts, bestOption, curvesOption, parallelOption, sliceOption, importanceOption, workersOption, paretoOption, hypervolumeOption } from './charts.js';

const RESYNC_MS = 30000;

const TABS = [['', 'Overview'], ['curves', 'Learning curves'], ['params', 'Parameters'], ['trials', 'Trials'], ['workers', 'Workers'], ['whatif', 'What-if']];

/** The study's metrics as defined; a study with several gets the Pareto view. */
function metricsOf(summary) {
  return ((summary.definition || {}).metrics || []).map(m => m.name);
}

function tabsOf(summary) {
  return metricsOf(summary).length > 1 ? [...TABS.slice(0, 2), ['pareto', 'Pareto front'], ...TABS.slice(2)] : TABS;
}

export async function renderStudy(app, id, rest) {
  const charts = new Charts();
  const base = `/studies/${encodeURIComponent(id)}`;
  const tab = rest[0] || '';
  const trialId = tab === 'trials' && rest[1] !== undefined ? Number(rest[1]) : null;
  let summary = await get(`${base}/summary`);
  document.title = `Attune · ${summary.name}`;
  document.getElementById('crumbs').innerHTML = `<a data-link href="/">Studies</a> / <a data-link href="${base}">${esc(summary.name)}</a>`
    + (trialId !== null ? ` / trial ${trialId}` : '');
  app.innerHTML = `
    <h1><span id="study-name">${esc(summary.name)}</span> <span id="study-status" class="badge"></span></h1>
    <div class="row" id="stats"></div>
    <nav class="tabs">${tabsOf(summary).map(([t, label]) => `<a data-link href="${base}${t ? '/' + t : ''}" class="${t === tab ? 'on' : ''}">${label}</a>`).join('')}</nav>
    <section id="view"></section>`;
  const view = app.querySelector('#view');
  renderStats(app, summary, base);
  const ctx = { id, base, charts, view, summary: () => summary };
  const views = { '': overview, curves, params, trials, workers, whatif, pareto };
  // A view: null (static), or { load() re-reads, draw() redraws what it holds, apply(event) → whether it took the delta }.
  const shown = trialId !== null ? await trialDetail(ctx, trialId) : await (views[tab] || overview)(ctx);
  // Navigation start to the first view drawn with its data: the benchmark reads it.
  document.body.dataset.paintMs = String(Math.round(performance.now()));

  // Live updates: events after the last seq the summary reflects; the summary (one row and counts) is
  // re-read at most every 0.7 s, the view redrawn from its deltas or re-read. A page that is
  // hidden or left closes its stream: browsers allow about six connections per server over HTTP/1.1, and
  // every open study page holds one, so streams of pages nobody looks at would starve the rest.
  let pending = null;
  let seq = summary.lastSeq;
  let source = null;
  let reload = false, redraw = false, sinceResync = 0;
  const live = document.getElementById('live');
  view.dataset.deltas = '0';
  view.dataset.reloads = '0';
  const reread = () => {
    if (pending) return;
    pending = setTimeout(async () => {
      pending = null;
      try {
        summary = await get(`${base}/summary`);
        renderStats(app, summary, base);
        if (!shown) return;
        if (reload) {
          reload = redraw = false; sinceResync = 0;
          view.dataset.reloads = String(Number(view.dataset.reloads) + 1);
          await shown.load();
        } else if (redraw) {
          redraw = false;
          shown.draw();
        }
      } catch (e) {
        if (e.status === 401) unauthorized();
        else console.warn('live update failed; the next event or resync retries', e);
      }
    }, 700);
  };
  const onStudyEvent = e => {
    seq = Math.max(seq, Number(e.id) || 0);
    sinceResync++;
    let ev = null;
    try { ev = JSON.parse(e.data); } catch (err) { /* not an event: re-read */ }
    let applied = false;
    try { applied = Boolean(shown && shown.apply && ev && shown.apply(ev)); } catch (err) { console.warn('delta not applied', err); }
    if (applied) {
      redraw = true;
      view.dataset.deltas = String(Number(view.dataset.deltas) + 1);
    } else reload = true;
    reread();
  };
  const resync = setInterval(() => { if (sinceResync > 0 && !document.hidden) { reload = true; reread(); } }, RESYNC_MS);
  const connect = () => {
    if (source) return;
    source = follow(`${base}/stream?afterSeq=${seq}`, {
      onOpen: () => live.classList.add('on'),
      onError: () => live.classList.remove('on'),
      onEvent: e => { if (e.type === 'event') onStudyEvent(e); },
      onRefused: e => { if (e.status === 401) unauthorized(); },
    });
  };
  const disconnect = () => {
    if (source) { source.close(); source = null; }
    live.classList.remove('on');
  };
  const onVisibility = () => { if (document.hidden) disconnect(); else { connect(); reload = true; reread(); } };
  document.addEventListener('visibilitychange', onVisibility);
  const onShow = e => { if (e.persisted) { connect(); reload = true; reread(); } }; // back from the back/forward cache
  window.addEventListener('pagehide', disconnect);
  window.addEventListener('pageshow', onShow);
  connect();
  return () => {
    disconnect(); clearTimeout(pending); clearInterval(resync); charts.dispose();
    document.removeEventListener('visibilitychange', onVisibility);
    window.removeEventListener('pagehide', disconnect);
    window.removeEventListener('pageshow', onShow);
  };
}

function renderStats(app, s, base) {
  const st = app.querySelector('#study-status');
  st.textContent = s.status; st.className = 'badge ' + s.status;
  const counts = Object.entries(s.trialCounts).filter(([, n]) => n > 0).map(([k, n]) => `<span class="badge ${k}">${k.toLowerCase()} ${n}</span>`).join(' ');
  const progress = s.progress.map(p => `<div title="${esc(p.criterion)}">${esc(p.criterion)}: ${fmt(p.done)} / ${fmt(p.limit)}
      <div class="bar"><span style="width:${(p.fraction * 100).toFixed(1)}%"></span></div></div>`).join('') || '<span class="muted">no stopping criterion</span>';
  app.querySelector('#stats').innerHTML = `
    <div class="card stat"><div class="muted">Trials</div><div class="v" id="trial-count">${fmt(s.trials)}</div><div class="counts">${counts}</div></div>
    <div class="card stat"><div class="muted">Best ${esc(s.metric)} (${esc(s.mode)})</div><div class="v" id="best-value">${s.bestValue === null ? '–' : esc(fmt(s.bestValue))}</div>
      <div>${s.bestTrialId === null ? '' : `<a data-link href="${base}/trials/${s.bestTrialId}">trial ${s.bestTrialId}</a>`}</div></div>
    <div class="card stat"><div class="muted">Method</div><div class="v" style="font-size:16px">${esc(s.method)}</div><div class="muted">${esc(s.project)} · created ${ago(s.createdAt)}</div></div>
    <div class="card stat" style="flex:1"><div class="muted">Stopping criterion</div>${progress}</div>`;
}

async function overview(ctx) {
  const s = ctx.summary();
  ctx.view.innerHTML = `
    <div class="grid2">
      <div class="card"><h2>Best so far vs trials</h2><div id="chart-best-trials" class="chart"></div></div>
      <div class="card"><h2>Best so far vs wall time</h2><div id="chart-best-time" class="chart"></div></div>
    </div>
    <div class="grid2">
      <div class="card"><h2>Best trial's config</h2><pre id="best-config"></pre></div>
      <div class="card"><h2>Definition</h2><pre id="definition">${esc(JSON.stringify(s.definition, null, 2))}</pre>
        <p>${s.status === 'ACTIVE' ? '<button class="danger" id="stop-study">Stop study…</button>' : ''}
           <a href="/api/v1${ctx.base}/export.csv" download class="export">Export CSV</a> · <a href="/api/v1${ctx.base}/export.json" download class="export">JSON</a></p></div>
    </div>`;
  ctx.view.querySelectorAll('a.export').forEach(a => a.addEventListener('click', downloadWithToken));
  const stop = ctx.view.querySelector('#stop-study');
  if (stop) stop.onclick = async () => {
    if (!confirm(`Stop study "${s.name}"? No new trials will be handed out; running trials are told STOP at their next report unless the study waits for them to complete.`)) return;
    try { await post(`${ctx.base}/stop`, {}); location.reload(); } catch (e) { alert(`Could not stop the study: ${e.message}`); }
  };
  let series = null;
  function draw() {
    const el = ctx.view.querySelector('#chart-best-trials');
    ctx.charts.set(el, bestOption(series, false));
    ctx.charts.set(ctx.view.querySelector('#chart-best-time'), bestOption(series, true));
    const last = series.bestByTrial[series.bestByTrial.length - 1];
    el.dataset.best = last ? String(last.y) : '';
    el.dataset.bestTrial = last ? String(last.trialId) : '';
    ctx.view.querySelector('#best-config').textContent = JSON.stringify(ctx.summary().bestConfig ?? {}, null, 2);
  }
  async function load() {
    series = await get(`${ctx.base}/series/best?maxPoints=2000`);
    draw();
  }
  await load();
  return { load, draw, apply: ev => applyToBestSeries(series, ev, ctx.summary().mode) };
}

async function curves(ctx) {
  ctx.view.innerHTML = `
    <div class="card"><h2>Learning curves <span class="muted" id="curves-note"></span></h2>
      <div id="chart-curves" class="chart tall"></div></div>
    <div class="card"><h2>Decisions</h2><ul class="decisions" id="decisions"></ul></div>`;
  async function load() {
    const c = await get(`${ctx.base}/series/curves?maxTrials=100`);
    const el = ctx.view.querySelector('#chart-curves');
    ctx.charts.set(el, curvesOption(c));
    const markers = c.curves.flatMap(cv => cv.markers.map(m => ({ ...m, trialId: cv.trialId })));
    el.dataset.markers = String(markers.length);
    el.dataset.curves = String(c.curves.length);
    ctx.view.querySelector('#curves-note').textContent = `${c.curves.length} of ${fmt(c.trialsWithReports)} trials with reports (the best and the latest)`;
    ctx.view.querySelector('#decisions').innerHTML = markers.slice(0, 200).map(m =>
      `<li><span class="badge ${m.decision === 'STOP' ? 'STOPPED' : m.decision === 'PAUSE' ? 'PAUSED' : 'COMPLETED'}">${m.decision}</span>
        <a data-link href="${ctx.base}/trials/${m.trialId}">trial ${m.trialId}</a> at ${esc(c.resourceAttr || 'report')} ${fmt(m.x)}: ${esc(m.reason || '')}</li>`).join('')
      || '<li class="muted">No STOP, PAUSE or RESUME decisions yet.</li>';
  }
  await load();
  return { load };
}

function importanceNote(imp) {
  const sampled = imp.trialsUsed < imp.trialsCompleted ? ` (a sample of the ${fmt(imp.trialsCompleted)})` : '';
  return `${imp.method}, ${fmt(imp.trialsUsed)} completed trials${sampled}`;
}

function importanceExplained(imp) {
  if (imp.trees === 0) {
    return `${imp.method} needs completed trials whose values differ; the bars fill in as trials complete.`;
  }
  const main = imp.params.reduce((s, p) => s + p.importance, 0);
  return `${imp.method} (Hutter et al., 2014): a random forest of ${imp.trees} trees fitted to the completed trials' values;`
    + ` each bar is the share of the value's variance over the search space that the parameter explains on its own,`
    + ` ± its spread across the trees. Together they explain ${(main * 100).toFixed(0)}%; the rest comes from interactions between parameters.`;
}

async function params(ctx) {
  ctx.view.innerHTML = `
    <div class="card"><h2>Parameter importance <span class="muted" id="importance-note"></span></h2><div id="chart-importance" class="chart" style="height:220px"></div><p class="muted" id="importance-method"></p></div>
    <div class="card"><h2>Parallel coordinates</h2><div id="chart-parallel" class="chart tall"></div></div>
    <div class="card"><h2>Slice plots</h2><div id="slices" class="grid2"></div></div>`;
  async function load() {
    const [sample, imp] = await Promise.all([get(`${ctx.base}/params?maxPoints=2000`), get(`${ctx.base}/importance`)]);
    const metric = ctx.summary().metric;
    ctx.charts.set(ctx.view.querySelector('#chart-importance'), importanceOption(imp));
    ctx.view.querySelector('#importance-note').textContent = importanceNote(imp);
    ctx.view.querySelector('#importance-method').textContent = importanceExplained(imp);
    ctx.charts.set(ctx.view.querySelector('#chart-parallel'), parallelOption(sample, metric));
    const slices = ctx.view.querySelector('#slices');
    if (slices.children.length !== sample.params.length) {
      slices.innerHTML = sample.params.map((p, i) => `<div id="slice-${i}" class="chart" style="height:240px"></div>`).join('');
    }
    sample.params.forEach((p, i) => ctx.charts.set(slices.querySelector(`#slice-${i}`), sliceOption(sample, p, metric)));
  }
  await load();
  return { load };
}

async function trials(ctx) {
  const state = { sort: 'id', order: 'desc', status: '', min: '', max: '', param: '', pmin: '', pmax: '', pvalue: '', offset: 0, limit: 50 };
  const space = (ctx.summary().definition || {}).space || {};
  const params = Object.keys(space).filter(k => space[k] && typeof space[k] === 'object' && space[k].type);
  const statuses = ['', 'PENDING', 'RUNNING', 'PAUSED', 'STOPPED', 'COMPLETED', 'FAILED', 'SKIPPED', 'STALE'];
  ctx.view.innerHTML = `
    <div class="controls">
      <select id="f-status">${statuses.map(s => `<option value="${s}">${s ? s.toLowerCase() : 'any status'}</option>`).join('')}</select>
      <input id="f-min" type="number" step="any" placeholder="min value" size="10">
      <input id="f-max" type="number" step="any" placeholder="max value" size="10">
      <select id="f-param"><option value="">any config</option>${params.map(p => `<option value="${esc(p)}">${esc(p)}</option>`).join('')}</select>
      <input id="f-pmin" type="number" step="any" placeholder="param ≥" size="8">
      <input id="f-pmax" type="number" step="any" placeholder="param ≤" size="8">
      <input id="f-pvalue" type="text" placeholder="param =" size="8">
      <button id="prev">‹ prev</button><span id="page" class="muted"></span><button id="next">next ›</button>
    </div>
    <table id="trials"><thead><tr>
      <th data-sort="id">Trial</th><th data-sort="status">Status</th><th data-sort="value">Value</th><th data-sort="reports">Reports</th>
      <th>Config</th><th>Worker</th><th data-sort="updated">Updated</th></tr></thead><tbody></tbody></table>`;
  const $ = s => ctx.view.querySelector(s);
  let t = null;
  // Only there does a new trial's place follow from the event alone: the first page, newest first, unfiltered.
  const newestFirst = () => state.sort === 'id' && state.order === 'desc' && state.offset === 0 && !state.status
    && state.min === '' && state.max === '' && !state.param;
  async function load() {
    const q = new URLSearchParams({ sort: state.sort, order: state.order, offset: state.offset, limit: state.limit });
    if (state.status) q.set('status', state.status);
    if (state.min !== '') q.set('minValue', state.min);
    if (state.max !== '') q.set('maxValue', state.max);
    if (state.param) {
      q.set('param', state.param);
      if (state.pmin !== '') q.set('paramMin', state.pmin);
      if (state.pmax !== '') q.set('paramMax', state.pmax);
      if (state.pvalue !== '') q.set('paramValue', state.pvalue);
    }
    t = await get(`${ctx.base}/trial-table?${q}`);
    draw();
  }
  function draw() {
    $('#trials tbody').innerHTML = t.items.map(r => `<tr data-trial="${r.id}">
      <td><a data-link href="${ctx.base}/trials/${r.id}">${r.id}</a></td><td><span class="badge ${r.status}">${r.status}</span></td>
      <td>${fmt(r.value)}</td><td>${r.reportCount}</td><td class="cfg">${config(r.config)}</td><td>${esc(r.workerId || '')}</td><td>${ago(r.updatedAt)}</td></tr>`).join('')
      || '<tr><td colspan="7" class="muted">No trials match.</td></tr>';
    $('#page').textContent = t.total ? `${fmt(t.offset + 1)}–${fmt(t.offset + t.items.length)} of ${fmt(t.total)}` : '0 trials';
    $('#prev').disabled = state.offset === 0;
    $('#next').disabled = state.offset + state.limit >= t.total;
    ctx.view.querySelectorAll('th[data-sort]').forEach(th => { th.textContent = th.textContent.replace(/ [▲▼]$/, '') + (th.dataset.sort === state.sort ? (state.order === 'asc' ? ' ▲' : ' ▼') : ''); });
  }
  ctx.view.querySelectorAll('th[data-sort]').forEach(th => th.onclick = () => {
    state.order = state.sort === th.dataset.sort && state.order === 'desc' ? 'asc' : 'desc';
    state.sort = th.dataset.sort; state.offset = 0; load();
  });
  $('#f-status').onchange = e => { state.status = e.target.value; state.offset = 0; load(); };
  $('#f-min').onchange = e => { state.min = e.target.value; state.offset = 0; load(); };
  $('#f-max').onchange = e => { state.max = e.target.value; state.offset = 0; load(); };
  for (const [id, key] of [['#f-param', 'param'], ['#f-pmin', 'pmin'], ['#f-pmax', 'pmax'], ['#f-pvalue', 'pvalue']]) {
    $(id).onchange = e => { state[key] = e.target.value; state.offset = 0; load(); };
  }
  $('#prev').onclick = () => { state.offset = Math.max(0, state.offset - state.limit); load(); };
  $('#next').onclick = () => { state.offset += state.limit; load(); };
  await load();
  const apply = ev => {
    if (!t || !newestFirst()) return false;
    applyToNewestTrials(t, ev, ctx.summary().metric, ctx.summary().mode);
    return true;
  };
  return { load, draw, apply };
}

// Several metrics: the non-dominated completed trials over all completed ones (first two metrics), the
// exact hypervolume of the front and its history over trials, from /pareto and /hypervolume.
async function pareto(ctx) {
  ctx.view.innerHTML = `
    <div class="grid2">
      <div class="card"><h2>Pareto front <span class="muted" id="front-size"></span></h2><div id="chart-pareto" class="chart"></div></div>
      <div class="card"><h2>Hypervolume <span class="muted" id="hv-value"></span></h2><div id="chart-hypervolume" class="chart"></div>
        <p class="muted" id="hv-reference"></p></div>
    </div>
    <div class="card"><h2>Non-dominated trials</h2><table id="front"><thead><tr><th>Trial</th><th>Metrics</th><th>Config</th></tr></thead><tbody></tbody></table></div>`;
  async function load() {
    const [front, hv, done] = await Promise.all([
      get(`${ctx.base}/pareto`),
      get(`${ctx.base}/hypervolume`),
      get(`${ctx.base}/trial-table?status=COMPLETED&limit=1000`),
    ]);
    ctx.view.querySelector('#front-size').textContent = `${fmt(front.trials.length)} of ${fmt(done.total)} completed trials`;
    ctx.view.querySelector('#hv-value').textContent = fmt(hv.hypervolume);
    ctx.view.querySelector('#hv-reference').textContent = `reference point ${hv.reference.map(fmt).join(', ')} (${hv.metrics.join(', ')})`;
    ctx.charts.set(ctx.view.querySelector('#chart-pareto'), paretoOption(front, done.items));
    ctx.charts.set(ctx.view.querySelector('#chart-hypervolume'), hypervolumeOption(hv));
    ctx.view.querySelector('#front tbody').innerHTML = front.trials.map(t => `<tr data-trial="${t.id}">
      <td><a data-link href="${ctx.base}/trials/${t.id}">${t.id}</a></td><td class="cfg">${config(t.metrics)}</td><td class="cfg">${config(t.config)}</td></tr>`).join('')
      || '<tr><td colspan="3" class="muted">No completed trial yet.</td></tr>';
  }
  await load();
  return { load };
}

async function trialDetail(ctx, trialId) {
  const t = await get(`${ctx.base}/trials/${trialId}`);
  const events = await get(`${ctx.base}/trials/${trialId}/events`);
  const logs = await get(`${ctx.base}/trials/${trialId}/logs`).catch(() => ({}));
  const metricName = ctx.summary().metric;
  ctx.view.innerHTML = `
    <div class="grid2">
      <div class="card"><h2>Trial ${t.id} <span class="badge ${t.status}" id="trial-status">${t.status}</span></h2>
        <p>${esc(t.statusReason || '')}</p>
        <p id="trial-actions">${trialActions(t.status).map(a => `<button class="${a.danger ? 'danger' : ''}" data-action="${a.action}">${a.label}…</button>`).join(' ')}</p>
        <p class="muted">worker ${esc(t.workerId || '–')} · created ${ago(t.createdAt)} · updated ${ago(t.updatedAt)}
          ${t.retryOf !== null && t.retryOf !== undefined ? ` · retry of <a data-link href="${ctx.base}/trials/${t.retryOf}">trial ${t.retryOf}</a>` : ''}
          ${t.checkpointTrialId !== null && t.checkpointTrialId !== undefined ? ` · from checkpoint of trial ${t.checkpointTrialId}` : ''}</p>
        <h2>Config</h2><pre id="trial-config">${esc(JSON.stringify(t.config, null, 2))}</pre>
        <h2>Metadata and links</h2><pre>${esc(JSON.stringify({ metadata: t.metadata, links: t.links }, null, 2))}</pre></div>
      <div class="card"><h2>Curve</h2><div id="chart-trial" class="chart"></div></div>
    </div>
    <div class="card"><h2>Reports</h2><table id="reports"><thead><tr><th>#</th><th>step</th><th>${esc(metricName)}</th><th>metrics</th><th>decision</th><th>reason</th><th>received</th></tr></thead><tbody>
      ${(t.reports || []).map((r, i) => `<tr><td>${i + 1}</td><td>${r.step ?? ''}</td><td>${fmt(r.metrics[metricName])}</td><td class="cfg">${config(r.metrics)}</td>
        <td>${esc(r.decision || '')}</td><td>${esc(r.reason || '')}</td><td>${esc(r.receivedAt)}</td></tr>`).join('')}</tbody></table></div>
    <div class="card"><h2>Logs <span class="muted" id="logs-note">(the tails the worker uploaded${t.status === 'RUNNING' ? '; live' : ''})</span></h2>
      <pre id="trial-logs">${esc([logs.stdout, logs.stderr].filter(Boolean).join('\n--- stderr ---\n') || 'none uploaded')}</pre></div>
    <div class="card"><h2>Events</h2><table id="events"><thead><tr><th>seq</th><th>type</th><th>payload</th><th>at</th></tr></thead><tbody>
      ${events.items.map(e => `<tr><td>${e.seq}</td><td>${esc(e.type)}</td><td class="cfg">${esc(JSON.stringify(e.payload))}</td><td>${esc(e.createdAt)}</td></tr>`).join('')}</tbody></table></div>`;
  ctx.view.querySelectorAll('#trial-actions button').forEach(b => {
    const a = trialActions(t.status).find(x => x.action === b.dataset.action);
    b.onclick = async () => {
      if (!confirm(`${a.label} trial ${t.id}? ${a.effect}`)) return;
      try { await post(`${ctx.base}/trials/${t.id}/${a.action}`, {}); location.reload(); } catch (e) { alert(`Could not ${a.action} trial ${t.id}: ${e.message}`); }
    };
  });
  if (t.status === 'RUNNING') followLogs(ctx, trialId);
  const c = await get(`${ctx.base}/series/curves?trialIds=${trialId}`);
  ctx.charts.set(ctx.view.querySelector('#chart-trial'), curvesOption(c));
  ctx.view.querySelector('#chart-trial').dataset.markers = String(c.curves.flatMap(cv => cv.markers).length);
  return null;
}

// The operator actions the API has for a trial in this status (POST …/trials/{id}/stop, /pause, /resume).
function trialActions(status) {
  const stop = { action: 'stop', label: 'Stop', danger: true, effect: 'Its next report (or heartbeat) answers STOP.' };
  if (status === 'RUNNING') {
    return [stop, { action: 'pause', label: 'Pause', effect: 'Its next report (or heartbeat) answers PAUSE; resume it later from here.' }];
  }
  if (status === 'PENDING') return [{ ...stop, effect: 'It is skipped and never handed out.' }];
  if (status === 'PAUSED') {
    return [{ action: 'resume', label: 'Resume', effect: 'The next ask hands it out, before the method\'s own choice.' },
      { ...stop, effect: 'It stops at once.' }];
  }
  return [];
}

// A running trial's output as its worker sends it (GET …/logs?follow=true), until the trial stops running
// or the page shows something else.
function followLogs(ctx, trialId) {
  const pre = ctx.view.querySelector('#trial-logs');
  const source = follow(`${ctx.base}/trials/${trialId}/logs?follow=true`, {
    onEvent: e => {
      if (!document.body.contains(pre)) { source.close(); return; }
      const l = JSON.parse(e.data);
      const atBottom = pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 4;
      pre.textContent = [l.stdout, l.stderr].filter(Boolean).join('\n--- stderr ---\n') || 'none uploaded';
      if (atBottom) pre.scrollTop = pre.scrollHeight;
      if (l.status !== 'RUNNING') {
        source.close();
        ctx.view.querySelector('#logs-note').textContent = `(the tails the worker uploaded; trial ${l.status})`;
      }
    },
    onRefused: () => source.close(),
  });
}

async function workers(ctx) {
  ctx.view.innerHTML = `<div class="card"><h2>Workers timeline <span class="muted" id="workers-note"></span></h2><div id="chart-workers" class="chart tall"></div></div>`;
  async function load() {
    const w = await get(`${ctx.base}/workers?limit=500`);
    ctx.charts.set(ctx.view.querySelector('#chart-workers'), workersOption(w));
    ctx.view.querySelector('#workers-note').textContent = `${w.workers.length} workers, latest ${w.spans.length} trials`;
  }
  await load();
  return { load };
}

async function whatif(ctx) {
  const methods = ((r => r.items || r.methods || r)(await get('/methods'))).filter(m => m.multiFidelity).map(m => m.name);
  ctx.view.innerHTML = `
    <div class="card"><h2>What if another method had run this study?</h2>
      <p class="muted">Replays the study's recorded learning curves under another multi-fidelity method (POST /api/v1/whatif).</p>
      <div class="controls">
        <select id="w-method">${methods.map(m => `<option ${m === 'ASHA' ? 'selected' : ''}>${esc(m)}</option>`).join('')}</select>
        <input id="w-options" size="40" value='{"reductionFactor": 3}' title="options as JSON">
        <label>workers <input id="w-workers" type="number" value="4" min="1" style="width:60px"></label>
        <button id="w-run">Run</button>
      </div><div id="w-result"></div></div>`;
  const $ = s => ctx.view.querySelector(s);
  $('#w-run').onclick = async () => {
    $('#w-result').innerHTML = '<p class="muted">Running…</p>';
    try {
      const r = await post('/whatif', { studyId: ctx.id, method: $('#w-method').value, options: JSON.parse($('#w-options').value || '{}'), workers: Number($('#w-workers').value) });
      // A stop at the maximum resource is a trial that ran to the end, not one cut short.
      const stops = r.decisions.filter(d => d.decision === 'STOP' && !/^reached the maximum/.test(d.reason || ''));
      $('#w-result').innerHTML = `
        <div class="row">
          <div class="card stat"><div class="muted">Best found</div><div class="v" id="w-best">${fmt(r.best?.value)}</div><div class="muted">all curves' best ${fmt(r.bestOfAllCurves?.value)}</div></div>
          <div class="card stat"><div class="muted">Compute saved</div><div class="v" id="w-saved">${(r.savedFraction * 100).toFixed(1)}%</div><div class="muted">${fmt(r.resourceSpent)} of ${fmt(r.resourceOfFullRuns)} resource units</div></div>
          <div class="card stat"><div class="muted">Would have stopped early</div><div class="v">${fmt(stops.length)}</div><div class="muted">of ${fmt(r.trialsStarted)} trials started</div></div>
        </div>
        <ul class="decisions">${stops.slice(0, 100).map(d => `<li>trial ${d.trialId} at ${fmt(d.level)}: ${esc(d.reason || '')}</li>`).join('')}</ul>`;
    } catch (e) { $('#w-result').innerHTML = `<p class="muted">${esc(e.message)}</p>`; }
  };
  return null;
}
