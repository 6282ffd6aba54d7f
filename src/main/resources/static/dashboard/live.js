// Deltas from the event stream applied to what a view already holds, so a live page does not re-read
// its queries on every event. Only what an event fully determines is applied here; anything else (a
// failed trial leaving the best-so-far series, a filtered or re-sorted table) makes the view re-read,
// and every view re-reads on a slow timer anyway (resync), so a missed nuance heals itself.

/** The event's value of the study's first metric, or null. */
export function valueOf(ev, metric) {
  const v = ev.payload && ev.payload.metrics ? ev.payload.metrics[metric] : undefined;
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/**
 * Adds a trial's new value to a /series/best answer in place; returns false when it cannot (the caller
 * re-reads). bestByTrial is the running best over trial ids (improvements and a last point), bestByTime
 * the same over wall time, values every stride-th trial's own best value.
 */
export function applyToBestSeries(series, ev, mode) {
  const better = mode === 'max' ? (a, b) => a > b : (a, b) => a < b;
  if (ev.type === 'TRIAL_FAILED') return false; // the server leaves failed trials out: re-read
  if (ev.type !== 'REPORT' && ev.type !== 'TRIAL_COMPLETED') return true; // nothing to draw
  const y = valueOf(ev, series.metric);
  if (y === null) return true;
  const t = ev.trialId;
  const at = Date.parse(ev.createdAt) / 1000;
  // By trial id: the step in force at t; a better value starts a new step there and hides later worse ones.
  const pts = series.bestByTrial;
  const lastX = pts.length ? pts[pts.length - 1].x : -Infinity;
  let i = pts.length - 1;
  while (i >= 0 && pts[i].x > t) i--;
  if (i < 0 || better(y, pts[i].y)) {
    const kept = pts.filter(p => p.x < t || (p.x > t && better(p.y, y)));
    kept.push({ x: t, y, trialId: t });
    kept.sort((a, b) => a.x - b.x);
    series.bestByTrial = kept;
  }
  extendTo(series.bestByTrial, Math.max(lastX, t));
  // By wall time: events arrive in time order, so a new best is the last step.
  const bt = series.bestByTime;
  if (!bt.length || better(y, bt[bt.length - 1].y)) bt.push({ x: at, y, trialId: t });
  else extendTo(bt, at);
  // The trial's own value under the best-so-far line.
  if (t % series.stride === 0) {
    const own = series.values.find(p => p.trialId === t);
    if (!own) series.values.push({ x: t, y, trialId: t });
    else if (better(y, own.y)) own.y = y;
  }
  return true;
}

/** Makes a step series reach x with its last value (as the server's answer does). */
function extendTo(points, x) {
  if (!points.length) return;
  const last = points[points.length - 1];
  if (x > last.x) {
    const prev = points.length > 1 ? points[points.length - 2] : null;
    if (prev && prev.y === last.y && prev.trialId === last.trialId) last.x = x; // already an extension
    else points.push({ x, y: last.y, trialId: last.trialId });
  }
}

const STATUS_AFTER = { TRIAL_RUN: 'RUNNING', TRIAL_RESUMED: 'RUNNING', TRIAL_COMPLETED: 'COMPLETED', TRIAL_FAILED: 'FAILED', TRIAL_SKIPPED: 'SKIPPED', TRIAL_STALE: 'STALE' };
const STATUS_AFTER_DECISION = { STOP: 'STOPPED', PAUSE: 'PAUSED' };

/**
 * Applies an event to the first page of the trials table sorted by id, newest first, with no filter
 * (the only view where a new trial's place is known): a new trial goes on top, others' rows change in
 * place. `table` is a /trial-table answer, changed in place.
 */
export function applyToNewestTrials(table, ev, metric, mode) {
  const better = mode === 'max' ? (a, b) => a > b : (a, b) => a < b;
  if (ev.type === 'TRIAL_ADDED') {
    if (table.items.some(r => r.id === ev.trialId)) return;
    const p = ev.payload || {};
    table.items.unshift({ id: ev.trialId, status: p.status || 'PENDING', config: p.config || {}, metrics: {}, value: null, reportCount: 0,
      workerId: p.workerId || null, statusReason: null, createdAt: ev.createdAt, updatedAt: ev.createdAt });
    table.total += 1;
    if (table.items.length > table.limit) table.items.pop();
    return;
  }
  const row = table.items.find(r => r.id === ev.trialId);
  if (!row) return;
  row.updatedAt = ev.createdAt;
  const v = valueOf(ev, metric);
  if (v !== null && (row.value === null || better(v, row.value))) row.value = v;
  if (ev.type === 'REPORT') {
    row.reportCount += 1;
    if (STATUS_AFTER_DECISION[ev.payload.decision]) row.status = STATUS_AFTER_DECISION[ev.payload.decision];
  } else if (STATUS_AFTER[ev.type]) {
    row.status = STATUS_AFTER[ev.type];
    if (ev.payload && ev.payload.workerId) row.workerId = ev.payload.workerId;
  }
}
