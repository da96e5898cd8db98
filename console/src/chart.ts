import uPlot from 'uplot';
import type { Annotation, Point } from './api.ts';
import { h } from './dom.ts';
import { formatValue, valueAxis } from './units.ts';

export interface Series {
  label: string;
  points: Point[];
}

export interface ChartSpec {
  title: string;
  series: Series[];
  from: number;
  to: number;
  unit?: string;
  stacked?: boolean;
  annotations?: Annotation[];
  /** Horizontal lines: a dashboard graph's reference line, an alert's thresholds. */
  lines?: { label: string; value: number; color?: string }[];
}

const PALETTE = [
  '#0b6bcb',
  '#e65100',
  '#2e7d32',
  '#6a1b9a',
  '#c62828',
  '#00838f',
  '#827717',
  '#ad1457',
  '#4e342e',
  '#37474f',
];
/** The y range: the data's (and the lines'), padded a little, never a flat line at one value. */
function yRange(min: number, max: number, values: number[]): [number, number] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [0, 1];
  const low = values.length > 0 && min >= 0 ? 0 : min;
  const pad = (max - low) * 0.05 || Math.abs(max) * 0.1 || 1;
  return [low === 0 ? 0 : low - pad, max + pad];
}

/** Series on one time axis (uPlot wants aligned columns), stacked into running sums when asked. */
function align(series: Series[], stacked: boolean): uPlot.AlignedData {
  const times = [...new Set(series.flatMap((s) => s.points.map((p) => p.time)))].sort((a, b) => a - b);
  const index = new Map(times.map((t, i) => [t, i]));
  const columns = series.map((s) => {
    const col: (number | null)[] = new Array(times.length).fill(null);
    for (const p of s.points) col[index.get(p.time) ?? 0] = p.value;
    return col;
  });
  if (stacked)
    for (let c = 1; c < columns.length; c++)
      columns[c] = (columns[c] ?? []).map((v, i) =>
        v === null ? null : v + ((columns[c - 1] ?? [])[i] ?? 0),
      );
  return [times, ...columns];
}

/**
 * One graph: a uPlot chart with a legend per series and the annotations drawn as shaded bands (a
 * line for an instant). The element says how many series and annotations it drew, for people
 * reading the DOM and for the browser tests.
 */
export function chart(spec: ChartSpec): HTMLElement {
  const drawn = spec.series.filter((s) => s.points.length > 0);
  const box = h(
    'div',
    { class: 'graph', 'data-series': drawn.length, 'data-annotations': 0 },
    h('h3', {}, spec.title),
  );
  if (drawn.length === 0) {
    box.append(h('div', { class: 'empty' }, 'No data in this range'));
    return box;
  }
  const annotations = (spec.annotations ?? []).filter((a) => a.to >= spec.from && a.from <= spec.to);
  box.dataset.annotations = String(annotations.length);
  const lines = spec.lines ?? [];
  box.dataset.lines = String(lines.length);
  const values = drawn.flatMap((s) => s.points.map((p) => p.value));
  const opts: uPlot.Options = {
    width: 400,
    height: 200,
    scales: {
      x: { time: true, range: [spec.from, spec.to] },
      // Room for the lines too, so a threshold above every point is still drawn.
      y: {
        range: (_u, min, max) =>
          yRange(
            Math.min(min, ...lines.map((l) => l.value)),
            Math.max(max, ...lines.map((l) => l.value)),
            values,
          ),
      },
    },
    axes: [{}, valueAxis(spec.unit)],
    series: [
      {},
      ...drawn.map((s, i) => ({
        label: s.label,
        stroke: PALETTE[i % PALETTE.length],
        width: 1.25,
        ...(spec.stacked && { fill: `${PALETTE[i % PALETTE.length]}33` }),
        value: (_u: uPlot, v: number | null) => formatValue(v, spec.unit),
        spanGaps: false,
      })),
    ],
    hooks: {
      draw: [
        (u) => {
          const { ctx } = u;
          ctx.save();
          for (const a of annotations) {
            const x0 = u.valToPos(Math.max(a.from, spec.from), 'x', true);
            const x1 = u.valToPos(Math.min(a.to, spec.to), 'x', true);
            ctx.fillStyle = 'rgba(255, 152, 0, 0.2)';
            ctx.fillRect(x0, u.bbox.top, Math.max(2, x1 - x0), u.bbox.height);
            ctx.fillStyle = '#ef6c00';
            ctx.fillRect(x0, u.bbox.top, 2, u.bbox.height);
          }
          for (const l of lines) {
            const y = u.valToPos(l.value, 'y', true);
            ctx.fillStyle = l.color ?? '#c62828';
            ctx.fillRect(u.bbox.left, y, u.bbox.width, 1.5);
            ctx.font = `${Math.round(11 * devicePixelRatio)}px sans-serif`;
            const width = ctx.measureText(l.label).width;
            ctx.fillText(l.label, u.bbox.left + u.bbox.width - width - 4, y - 3);
          }
          ctx.restore();
        },
      ],
    },
  };
  const plotBox = h('div', {});
  box.append(plotBox);
  if (annotations.length > 0)
    box.append(
      h(
        'div',
        { class: 'muted annotations' },
        ...annotations.map((a) => h('span', { title: a.description ?? '' }, `▍${a.title} `)),
      ),
    );
  const plot = new uPlot(opts, align(drawn, spec.stacked ?? false), plotBox);
  // Fit the card once it is in the page.
  requestAnimationFrame(() => plot.setSize({ width: Math.max(280, box.clientWidth - 16), height: 200 }));
  return box;
}
