/** One graph as a self-contained SVG (for embeds): lines, value axis, time span, legend. No script. */
export interface SvgSeries {
  label: string;
  points: { time: number; value: number }[];
}

const PALETTE = ['#0b6bcb', '#e65100', '#2e7d32', '#6a1b9a', '#c62828', '#00838f', '#827717', '#ad1457'];
const escapeXml = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
const fmt = (v: number) =>
  Math.abs(v) >= 1e9
    ? `${(v / 1e9).toFixed(1)}G`
    : Math.abs(v) >= 1e6
      ? `${(v / 1e6).toFixed(1)}M`
      : Math.abs(v) >= 1e3
        ? `${(v / 1e3).toFixed(1)}k`
        : `${+v.toFixed(2)}`;
const day = (t: number) => new Date(t * 1000).toISOString().slice(0, 16).replace('T', ' ');

export function renderSvgChart(spec: {
  title: string;
  series: SvgSeries[];
  from: number;
  to: number;
  width?: number;
  height?: number;
}): string {
  const width = spec.width ?? 640;
  const height = spec.height ?? 260;
  const left = 56;
  const right = 12;
  const top = 28;
  const bottom = 48;
  const values = spec.series.flatMap((s) => s.points.map((p) => p.value));
  let min = Math.min(0, ...values);
  let max = Math.max(...values, min + 1);
  if (max === min) max = min + 1;
  const pad = (max - min) * 0.05;
  min = min < 0 ? min - pad : min;
  max += pad;
  const x = (t: number) =>
    left + ((t - spec.from) / Math.max(1, spec.to - spec.from)) * (width - left - right);
  const y = (v: number) => top + (1 - (v - min) / (max - min)) * (height - top - bottom);
  const lines = spec.series
    .filter((s) => s.points.length > 0)
    .map((s, i) => {
      const d = s.points.map((p) => `${x(p.time).toFixed(1)},${y(p.value).toFixed(1)}`).join(' ');
      return `<polyline class="series" fill="none" stroke="${PALETTE[i % PALETTE.length]}" stroke-width="1.5" points="${d}"/>`;
    });
  const legend = spec.series
    .map((s, i) => `<tspan fill="${PALETTE[i % PALETTE.length]}">■</tspan> ${escapeXml(s.label)}`)
    .join('   ');
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="${left}" y="18" font-size="13" font-weight="600">${escapeXml(spec.title)}</text>`,
    `<line x1="${left}" y1="${top}" x2="${left}" y2="${height - bottom}" stroke="#ccc"/>`,
    `<line x1="${left}" y1="${height - bottom}" x2="${width - right}" y2="${height - bottom}" stroke="#ccc"/>`,
    `<text x="${left - 4}" y="${y(max - pad) + 4}" text-anchor="end">${fmt(max - pad)}</text>`,
    `<text x="${left - 4}" y="${y(min) + 4}" text-anchor="end">${fmt(min)}</text>`,
    `<text x="${left}" y="${height - bottom + 14}">${day(spec.from)}</text>`,
    `<text x="${width - right}" y="${height - bottom + 14}" text-anchor="end">${day(spec.to)} UTC</text>`,
    ...lines,
    `<text x="${left}" y="${height - 12}">${legend}</text>`,
    '</svg>',
  ].join('');
}
