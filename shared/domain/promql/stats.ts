/** Neumaier-compensated addition, as Prometheus's kahansum.Inc. */
export function kahanInc(inc: number, sum: number, c: number): [number, number] {
  const t = sum + inc;
  if (!Number.isFinite(t) && !Number.isNaN(t)) return [t, 0];
  if (Math.abs(sum) >= Math.abs(inc)) return [t, c + (sum - t + inc)];
  return [t, c + (inc - t + sum)];
}

/** Mean with compensated summation, switching to an incremental mean if the sum would overflow. */
export function mean(values: number[]): number {
  let sum = values[0] as number;
  let c = 0;
  let incremental = false;
  let m = 0;
  for (let i = 1; i < values.length; i++) {
    const f = values[i] as number;
    const count = i + 1;
    if (!incremental) {
      const [ns, nc] = kahanInc(f, sum, c);
      if (Number.isFinite(ns) || Number.isNaN(ns)) {
        sum = ns;
        c = nc;
        continue;
      }
      incremental = true;
      m = sum / (count - 1);
      c /= count - 1;
    }
    const q = (count - 1) / count;
    [m, c] = kahanInc(f / count, q * m, q * c);
  }
  return incremental ? m + c : sum / values.length + c / values.length;
}

export function variance(values: number[]): number {
  let count = 0;
  let m = 0;
  let cm = 0;
  let aux = 0;
  let ca = 0;
  for (const f of values) {
    count++;
    const delta = f - (m + cm);
    [m, cm] = kahanInc(delta / count, m, cm);
    [aux, ca] = kahanInc(delta * (f - (m + cm)), aux, ca);
  }
  return (aux + ca) / count;
}

export function sum(values: number[]): number {
  let s = 0;
  let c = 0;
  for (const v of values) [s, c] = kahanInc(v, s, c);
  return Number.isFinite(s) ? s + c : s;
}

/** Prometheus's quantile: linear interpolation between the closest ranks; q outside [0, 1] is ±Inf. */
export function quantile(q: number, values: number[]): number {
  if (values.length === 0 || Number.isNaN(q)) return Number.NaN;
  if (q < 0) return Number.NEGATIVE_INFINITY;
  if (q > 1) return Number.POSITIVE_INFINITY;
  const sorted = [...values].sort((a, b) =>
    Number.isNaN(a) ? -1 : Number.isNaN(b) ? 1 : a < b ? -1 : a > b ? 1 : 0,
  );
  const n = sorted.length;
  const r = q * (n - 1);
  const lower = Math.max(0, Math.floor(r));
  const upper = Math.min(n - 1, lower + 1);
  const weight = r - Math.floor(r);
  if (weight === 0) return sorted[lower] as number;
  return (sorted[lower] as number) * (1 - weight) + (sorted[upper] as number) * weight;
}

/** Go's math.Pow where it differs from JavaScript's: 1^NaN and (-1)^±Inf are 1. */
export function pow(a: number, b: number): number {
  if (b === 0 || a === 1) return 1;
  if (a === -1 && !Number.isFinite(b) && !Number.isNaN(b)) return 1;
  return a ** b;
}
