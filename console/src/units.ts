import type uPlot from 'uplot';

/** Units of the console's graphs, without the DOM: what a value and an axis tick read as. */

const UNITS = ['', 'K', 'M', 'G', 'T', 'P'];
const BINARY_STEPS = UNITS.flatMap((_, k) =>
  [1, 2, 4, 8, 16, 32, 64, 128, 256, 512].map((m) => m * 1024 ** k),
);

/** A value as the graph's unit reads it: bytes in binary steps, percentages with %, others as SI. */
export function formatValue(v: number | null, unit = 'float'): string {
  if (v === null || !Number.isFinite(v)) return '–';
  if (unit === 'percentage') return `${v.toFixed(1)}%`;
  const bytes = unit.startsWith('bytes');
  const base = bytes ? 1024 : 1000;
  let i = 0;
  let x = Math.abs(v);
  while (x >= base && i < UNITS.length - 1) {
    x /= base;
    i++;
  }
  const text = `${(Math.sign(v) * x).toFixed(x < 10 && i > 0 ? 1 : x < 10 ? 2 : 0)}${UNITS[i]}${bytes && i > 0 ? 'i' : ''}`;
  return unit === 'bytes/sec'
    ? `${text}B/s`
    : unit === 'bytes'
      ? `${text}B`
      : unit === 'seconds'
        ? `${text}s`
        : unit === 'milliseconds'
          ? `${text}ms`
          : text;
}

/**
 * The y axis: labels in the graph's unit; bytes step in powers of two, so ticks read 64KiB, 128KiB
 * rather than 98KiB, 146KiB; as wide as its longest label (a clipped `146KiB/s` used to read
 * `46KiB/s`, out of order with its neighbours).
 */
export function valueAxis(unit?: string) {
  return {
    values: (_u: uPlot, ticks: number[]) => ticks.map((t) => formatValue(t, unit)),
    ...(unit?.startsWith('bytes') && { incrs: BINARY_STEPS }),
    size: (_u: uPlot, labels: string[] | null) =>
      16 + 7 * Math.max(4, ...(labels ?? []).map((l) => String(l).length)),
  } satisfies uPlot.Axis;
}
