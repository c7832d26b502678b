// The stats chart, drawn as SVG: requests per bucket as bars (errors stacked in red), p95 latency as a line.
import { h, s, parseTime, shortDate, count, ms } from './dom.js';

const W = 800, H = 260, LEFT = 56, RIGHT = 64, TOP = 16, BOTTOM = 36;

/** Axis ticks from 0 to a round top, at most 5 steps of 1, 2 or 5 × 10ⁿ (whole steps for counts). */
function ticks(max, whole) {
  const rough = Math.max(max, 1) / 4;
  const power = 10 ** Math.floor(Math.log10(rough));
  let step = [1, 2, 5, 10].map(f => f * power).find(v => v >= rough);
  if (whole) step = Math.max(1, Math.round(step));
  const top = Math.max(step, Math.ceil(max / step) * step);
  return Array.from({ length: Math.round(top / step) + 1 }, (_, i) => i * step);
}

export function chart(series, title) {
  const buckets = series.map(b => ({ ...b, at: parseTime(b.start), errors: b.errorCount + b.fatalCount }));
  const countTicks = ticks(Math.max(0, ...buckets.map(b => b.count)), true);
  const msTicks = ticks(Math.max(0, ...buckets.map(b => b.p95 ?? 0)), false);
  const maxCount = countTicks.at(-1), maxP95 = msTicks.at(-1);
  const plotW = W - LEFT - RIGHT, plotH = H - TOP - BOTTOM;
  const step = plotW / Math.max(buckets.length, 1);
  const barW = Math.max(step * 0.8, 0.5);
  const y = v => TOP + plotH - (v / maxCount) * plotH;
  const yMs = v => TOP + plotH - (v / maxP95) * plotH;
  const x = i => LEFT + i * step;

  const grid = [
    countTicks.map(v => [
      s('line', { x1: LEFT, x2: W - RIGHT, y1: y(v), y2: y(v), class: 'grid' }),
      s('text', { x: LEFT - 6, y: y(v) + 4, 'text-anchor': 'end', class: 'axis' }, count(v))]),
    msTicks.map(v => s('text', { x: W - RIGHT + 6, y: yMs(v) + 4, class: 'axis latency' }, ms(v))),
  ];
  const labelEvery = Math.max(1, Math.ceil(buckets.length / 6));
  const labels = buckets.map((b, i) => (i % labelEvery === 0 && b.at
    ? s('text', { x: x(i) + step / 2, y: H - BOTTOM + 18, 'text-anchor': 'middle', class: 'axis' }, shortDate(b.at)) : null));
  const bars = buckets.map((b, i) => s('g', { class: 'bucket' },
    s('title', {}, `${b.at ? shortDate(b.at) : b.start}: ${count(b.count)} requests, ${count(b.errors)} errors (${count(b.fatalCount)} 5xx), p95 ${ms(b.p95)}`),
    s('rect', { x: x(i) + (step - barW) / 2, y: y(b.count), width: barW, height: Math.max(0, TOP + plotH - y(b.count)), class: 'bar' }),
    b.errors ? s('rect', { x: x(i) + (step - barW) / 2, y: y(b.errors), width: barW, height: TOP + plotH - y(b.errors), class: 'bar-error' }) : null,
    s('rect', { x: x(i), y: TOP, width: step, height: plotH, class: 'hit' })));
  // The line breaks where a bucket has no traffic (p95 null) instead of drawing a fall to zero.
  let d = '', pen = false;
  buckets.forEach((b, i) => {
    if (b.p95 == null) { pen = false; return; }
    d += `${pen ? 'L' : 'M'}${(x(i) + step / 2).toFixed(1)},${yMs(b.p95).toFixed(1)}`;
    pen = true;
  });
  const dots = buckets.map((b, i) => (b.p95 == null ? null : s('circle', { cx: x(i) + step / 2, cy: yMs(b.p95), r: buckets.length > 100 ? 1.5 : 3, class: 'dot' })));

  const total = buckets.reduce((n, b) => n + b.count, 0);
  const errors = buckets.reduce((n, b) => n + b.errors, 0);
  const peak = Math.max(0, ...buckets.map(b => b.p95 ?? 0));
  const summary = `${count(total)} requests and ${count(errors)} errors in ${buckets.length} buckets; highest p95 ${ms(peak)}.`;

  return h('figure', { class: 'chart' },
    s('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': `${title}. ${summary}` },
      s('g', {}, grid), s('g', {}, bars), s('path', { d, class: 'line' }), s('g', {}, dots), s('g', {}, labels),
      s('text', { x: 12, y: TOP + plotH / 2, transform: `rotate(-90 12 ${TOP + plotH / 2})`, 'text-anchor': 'middle', class: 'axis' }, 'requests'),
      s('text', { x: W - 8, y: TOP + plotH / 2, transform: `rotate(90 ${W - 8} ${TOP + plotH / 2})`, 'text-anchor': 'middle', class: 'axis latency' }, 'p95 latency')),
    h('figcaption', {},
      h('span', { class: 'legend' }, h('span', { class: 'swatch bar' }), 'Requests'),
      h('span', { class: 'legend' }, h('span', { class: 'swatch bar-error' }), 'Errors (4xx and 5xx)'),
      h('span', { class: 'legend' }, h('span', { class: 'swatch line' }), 'p95 latency (ms)'),
      h('span', { class: 'summary' }, summary)));
}
