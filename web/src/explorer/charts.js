// Charts with Chart.js, registered piece by piece so the bundle carries only what is drawn.
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip } from 'chart.js';
import { day, duration, isoDay } from './format.js';
import { TYPES, TYPE_NAMES } from './types.js';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip, Legend);
Chart.defaults.font.family = getComputedStyle(document.documentElement).fontFamily || 'system-ui, sans-serif';
Chart.defaults.color = '#1b2430';
Chart.defaults.animation = false; // steadier for people who prefer less motion, and for screenshots

function canvasFor(label) {
  const canvas = document.createElement('canvas');
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', label);
  return canvas;
}

function wrap(canvas, caption, height = 280) {
  const box = document.createElement('figure');
  box.className = 'chart';
  const holder = document.createElement('div');
  holder.className = 'chart-canvas';
  holder.style.height = `${height}px`;
  holder.append(canvas);
  const cap = document.createElement('figcaption');
  cap.textContent = caption;
  box.append(holder, cap);
  return box;
}

/** Stacked bars: state changes per UTC day, by the state entered, over `days` days up to `end`. */
export function changesPerDay(changes, { days, end = new Date() }) {
  const labels = [];
  const keys = [];
  for (let i = days - 1; i >= 0; i--) {
    const d = new Date(end.getTime() - i * 86400000);
    keys.push(d.toISOString().slice(0, 10));
    labels.push(day(d));
  }
  const counts = Object.fromEntries(TYPE_NAMES.map((t) => [t, new Array(days).fill(0)]));
  for (const c of changes) {
    const i = keys.indexOf(isoDay(c.at));
    if (i >= 0 && counts[c.to]) counts[c.to][i] += 1;
  }
  const datasets = TYPE_NAMES.filter((t) => counts[t].some(Boolean)).map((t) => ({
    label: TYPES[t].label,
    data: counts[t],
    backgroundColor: TYPES[t].colour,
    stack: 'to',
  }));
  const total = changes.length;
  const canvas = canvasFor(`Bar chart: ${total} state changes per day over ${days} days, by the state entered`);
  const chart = new Chart(canvas, {
    type: 'bar',
    data: { labels, datasets },
    options: {
      maintainAspectRatio: false,
      scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: 'state changes' } } },
      plugins: { legend: { position: 'bottom' }, tooltip: { mode: 'index', intersect: false } },
    },
  });
  const figure = wrap(canvas, `State changes per day (UTC) by the state entered — ${total} in ${days} days.`);
  figure.chart = chart;
  return figure;
}

/** Floating horizontal bars: each brand's state as segments from one change to the next. */
export function stateTimeline(segmentsByBrand, { now = Date.now() } = {}) {
  const brands = Object.keys(segmentsByBrand);
  const datasets = [];
  for (const t of TYPE_NAMES) {
    const data = [];
    brands.forEach((b, i) => {
      for (const s of segmentsByBrand[b]) if (s.type === t) data.push({ x: [s.start, s.end ?? now], y: b, i });
    });
    if (data.length) datasets.push({ label: TYPES[t].label, data, backgroundColor: TYPES[t].colour, borderSkipped: false, barPercentage: 0.6, grouped: false });
  }
  const starts = Object.values(segmentsByBrand).flat().map((s) => s.start);
  const min = Math.min(...starts, now - 86400000);
  const canvas = canvasFor(`Timeline of this customer's state toward ${brands.length} brands`);
  const chart = new Chart(canvas, {
    type: 'bar',
    data: { labels: brands, datasets },
    options: {
      indexAxis: 'y',
      maintainAspectRatio: false,
      scales: {
        x: { type: 'linear', min, max: now, ticks: { maxTicksLimit: 8, callback: (v) => day(new Date(v)) } },
        y: { type: 'category' },
      },
      plugins: {
        legend: { position: 'bottom' },
        tooltip: { callbacks: { label: (ctx) => `${ctx.dataset.label}: ${day(new Date(ctx.raw.x[0]))} → ${ctx.raw.x[1] >= now ? 'now' : day(new Date(ctx.raw.x[1]))} (${duration((ctx.raw.x[1] - ctx.raw.x[0]) / 1000)})` } },
      },
    },
  });
  const figure = wrap(canvas, 'State toward each brand over time: the type of the latest classified interaction (OTHER does not change it).', 60 + 48 * brands.length);
  figure.chart = chart;
  return figure;
}
