// ECharts helpers: one canvas chart per element, resized with the window, disposed with the view.
import * as echarts from 'echarts';

const COLORS = { STOP: '#c23b3b', PAUSE: '#d08a00', RESUME: '#2b8a3e' };
const STATUS_COLORS = { RUNNING: '#2f6fde', COMPLETED: '#2b8a3e', STOPPED: '#e0a03a', PAUSED: '#b8c4d6', FAILED: '#c23b3b', STALE: '#c23b3b' };
const SYMBOLS = { STOP: 'triangle', PAUSE: 'rect', RESUME: 'arrow' };

export class Charts {
  constructor() { this.all = new Map(); this.onResize = () => this.all.forEach(c => c.resize()); window.addEventListener('resize', this.onResize); }
  set(el, option) {
    if (!el) return null;
    let c = this.all.get(el);
    if (!c) { c = echarts.init(el, null, { renderer: 'canvas' }); this.all.set(el, c); }
    c.setOption(option, { notMerge: true, lazyUpdate: false });
    return c;
  }
  dispose() { this.all.forEach(c => c.dispose()); this.all.clear(); window.removeEventListener('resize', this.onResize); }
}

const base = { animation: false, grid: { left: 60, right: 24, top: 30, bottom: 40 }, tooltip: { trigger: 'item', confine: true } };

export function bestOption(series, byTime) {
  const best = byTime ? series.bestByTime : series.bestByTrial;
  const line = best.map(p => [byTime ? p.x * 1000 : p.x, p.y, p.trialId]);
  const opt = {
    ...base,
    legend: { top: 0 },
    xAxis: { type: byTime ? 'time' : 'value', name: byTime ? '' : 'trial', nameLocation: 'middle', nameGap: 25, scale: true },
    yAxis: { type: 'value', name: series.metric, scale: true },
    series: [{ name: 'best so far', type: 'line', step: 'end', showSymbol: false, data: line, lineStyle: { width: 2 } }],
  };
  if (!byTime) {
    opt.series.unshift({ name: series.metric + (series.stride > 1 ? ` (every ${series.stride}th trial)` : ''), type: 'scatter', symbolSize: 4, large: true,
      itemStyle: { color: '#9fb6d9' }, data: series.values.map(p => [p.x, p.y, p.trialId]) });
  }
  opt.tooltip.formatter = p => `trial ${p.data[2]}<br>${series.metric} ${fmtNum(p.data[1])}`;
  return opt;
}

export function curvesOption(curves) {
  const series = curves.curves.map(c => ({
    name: `trial ${c.trialId}`, type: 'line', showSymbol: false, data: c.points, lineStyle: { width: 1 }, emphasis: { focus: 'series' },
    z: 1,
  }));
  const levels = new Set();
  for (const kind of ['STOP', 'PAUSE', 'RESUME']) {
    const data = [];
    for (const c of curves.curves) for (const m of c.markers) if (m.decision === kind) {
      data.push({ value: [m.x, m.y], trialId: c.trialId, reason: m.reason });
      // Rungs are where a scheduler compared trials; a stop at the maximum resource is not one.
      if (kind !== 'RESUME' && /^rung /.test(m.reason || '')) levels.add(m.x);
    }
    if (data.length) series.push({ name: kind, type: 'scatter', symbol: SYMBOLS[kind], symbolSize: 10, z: 5, itemStyle: { color: COLORS[kind] }, data,
      tooltip: { formatter: p => `<b>${kind}</b> trial ${p.data.trialId} at ${fmtNum(p.data.value[0])}<br>${escape(p.data.reason || '')}` } });
  }
  if (series.length) series[0].markLine = { silent: true, symbol: 'none', lineStyle: { type: 'dashed', color: '#aaa' }, label: { formatter: 'rung {c}' },
    data: [...levels].sort((a, b) => a - b).map(x => ({ xAxis: x })) };
  return {
    ...base,
    legend: { top: 0, data: ['STOP', 'PAUSE', 'RESUME'] },
    xAxis: { type: 'value', name: curves.resourceAttr || 'report', nameLocation: 'middle', nameGap: 25, scale: true },
    yAxis: { type: 'value', name: curves.metric, scale: true },
    tooltip: { trigger: 'item', confine: true, formatter: p => `${p.seriesName}<br>${fmtNum(p.value[0])}: ${fmtNum(p.value[1])}` },
    series,
  };
}

export function parallelOption(sample, metric) {
  const dims = [...sample.params, metric];
  const parallelAxis = dims.map((d, i) => {
    const cats = sample.categories[d];
    if (cats) return { dim: i, name: d, type: 'category', data: cats };
    return { dim: i, name: d, type: 'value', scale: true };
  });
  const data = sample.points.map(p => [...sample.params.map(k => p.config[k]), p.value]);
  const values = sample.points.map(p => p.value);
  return {
    animation: false,
    parallelAxis,
    parallel: { left: 40, right: 80, top: 40, bottom: 30 },
    visualMap: values.length ? { type: 'continuous', dimension: dims.length - 1, min: Math.min(...values), max: Math.max(...values), right: 0, top: 'middle', calculable: true,
      inRange: { color: ['#2b8a3e', '#f0c040', '#c23b3b'] } } : undefined,
    series: [{ type: 'parallel', lineStyle: { width: 1, opacity: 0.4 }, data }],
  };
}

export function sliceOption(sample, param, metric) {
  const cats = sample.categories[param];
  return {
    ...base, grid: { left: 50, right: 10, top: 24, bottom: 30 },
    title: { text: param, textStyle: { fontSize: 12 }, left: 'center' },
    xAxis: cats ? { type: 'category', data: cats } : { type: 'value', scale: true },
    yAxis: { type: 'value', scale: true, name: metric },
    series: [{ type: 'scatter', symbolSize: 4, large: true, data: sample.points.map(p => [cats ? String(p.config[param]) : p.config[param], p.value, p.trialId]) }],
    tooltip: { formatter: p => `trial ${p.data[2]}<br>${param} ${fmtNum(p.data[0])}<br>${metric} ${fmtNum(p.data[1])}` },
  };
}

/** fANOVA main-effect shares as bars, each labelled with its spread (± one standard deviation across the trees). */
export function importanceOption(imp) {
  const ps = [...imp.params].reverse();
  const pct = v => (v * 100).toFixed(v < 0.1 ? 1 : 0) + '%';
  return {
    ...base, grid: { left: 100, right: 80, top: 10, bottom: 30 },
    tooltip: { formatter: p => `${p.name}: explains ${pct(ps[p.dataIndex].importance)} of the variance alone (± ${pct(ps[p.dataIndex].std)} across trees)` },
    xAxis: { type: 'value', max: 1, axisLabel: { formatter: v => (v * 100) + '%' } }, yAxis: { type: 'category', data: ps.map(p => p.name) },
    series: [{ type: 'bar', data: ps.map(p => p.importance), label: { show: true, position: 'right', formatter: p => `${pct(p.value)} ± ${pct(ps[p.dataIndex].std)}` } }],
  };
}

export function workersOption(w) {
  const idx = new Map(w.workers.map((k, i) => [k, i]));
  const data = w.spans.map(s => ({ value: [idx.get(s.workerId), Date.parse(s.start), Math.max(Date.parse(s.end), Date.parse(s.start) + 50), s.trialId, s.status] }));
  return {
    ...base, grid: { left: 120, right: 24, top: 10, bottom: 40 },
    xAxis: { type: 'time', scale: true }, yAxis: { type: 'category', data: w.workers },
    tooltip: { formatter: p => `trial ${p.value[3]} (${p.value[4]})<br>${new Date(p.value[1]).toLocaleTimeString()} – ${new Date(p.value[2]).toLocaleTimeString()}` },
    series: [{ type: 'custom', encode: { x: [1, 2], y: 0 }, data,
      renderItem: (params, api) => {
        const start = api.coord([api.value(1), api.value(0)]);
        const end = api.coord([api.value(2), api.value(0)]);
        const h = api.size([0, 1])[1] * 0.6;
        return { type: 'rect', shape: { x: start[0], y: start[1] - h / 2, width: Math.max(1, end[0] - start[0]), height: h },
          style: { fill: STATUS_COLORS[api.value(4)] || '#9aa5b1', stroke: '#fff', lineWidth: 1 } };
      } }],
  };
}

function fmtNum(v) { return typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toPrecision(5)) : String(v); }
function escape(s) { return String(s).replace(/[&<>]/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' }[c])); }

/** The first two metrics of every completed trial, the non-dominated ones drawn over the rest. */
export function paretoOption(front, completed) {
  const [mx, my] = front.metrics;
  const onFront = new Set(front.trials.map(t => t.id));
  const point = t => [t.metrics[mx], t.metrics[my], t.id];
  const rest = completed.filter(t => !onFront.has(t.id) && t.metrics[mx] !== undefined && t.metrics[my] !== undefined);
  const frontPoints = front.trials.map(point).sort((a, b) => a[0] - b[0]);
  const opt = {
    ...base,
    legend: { top: 0 },
    xAxis: { type: 'value', name: mx, nameLocation: 'middle', nameGap: 25, scale: true },
    yAxis: { type: 'value', name: my, scale: true },
    series: [
      { name: 'dominated', type: 'scatter', symbolSize: 5, itemStyle: { color: '#b8c4d6' }, data: rest.map(point) },
      { name: 'Pareto front', type: 'line', step: false, symbolSize: 8, itemStyle: { color: '#c23b3b' }, data: frontPoints },
    ],
  };
  opt.tooltip.formatter = p => `trial ${p.data[2]}<br>${mx} ${fmtNum(p.data[0])}<br>${my} ${fmtNum(p.data[1])}`;
  return opt;
}

/** The hypervolume of the front after each completed trial. */
export function hypervolumeOption(hv) {
  const opt = {
    ...base,
    xAxis: { type: 'value', name: 'trial', nameLocation: 'middle', nameGap: 25, scale: true },
    yAxis: { type: 'value', name: 'hypervolume', scale: true },
    series: [{ name: 'hypervolume', type: 'line', step: 'end', showSymbol: false, lineStyle: { width: 2 },
      data: hv.history.map(p => [p.trialId, p.hypervolume]) }],
  };
  opt.tooltip = { trigger: 'axis', confine: true };
  return opt;
}
