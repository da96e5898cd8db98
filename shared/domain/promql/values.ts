import { type Expr, type Matcher, type MatrixSelector, METRIC_NAME, type VectorSelector } from './ast.ts';
import { compileRegex } from './parse.ts';

export type Labels = Record<string, string>;

/**
 * One stored series as the engine reads it: its labels (the metric name under `__name__`) and its
 * samples in time order (ms). A sample with `stale` set ends the series there (Prometheus's stale
 * marker; OTLP's "no recorded value").
 */
export interface RawSeries {
  labels: Labels;
  t: number[];
  v: number[];
  stale?: boolean[];
}

/** Where the engine reads series from: every series the matchers select, samples in [from, to] ms. */
export interface SeriesSource {
  select(matchers: Matcher[], from: number, to: number): Promise<RawSeries[]>;
}

/** An element of an instant vector: labels, value, and the time of the sample it came from. */
export interface Sample {
  labels: Labels;
  v: number;
  /** The sample's own timestamp (ms), for timestamp(); the evaluation time otherwise. */
  t: number;
}

export interface Series {
  labels: Labels;
  t: number[];
  v: number[];
}

export type Value =
  | { type: 'scalar'; v: number }
  | { type: 'string'; s: string }
  | { type: 'vector'; samples: Sample[] }
  | { type: 'matrix'; series: Series[] };

/** A label set's identity: sorted `name="value"` pairs, as Prometheus prints them. */
export function signature(labels: Labels): string {
  return Object.keys(labels)
    .sort()
    .map((k) => `${k}=${JSON.stringify(labels[k])}`)
    .join(',');
}

/** Labels sorted by name (Prometheus keeps them so); empty values are dropped as absent. */
export function normalized(labels: Labels): Labels {
  const out: Labels = {};
  for (const k of Object.keys(labels).sort()) if (labels[k] !== '') out[k] = labels[k] as string;
  return out;
}

export const withoutName = (labels: Labels): Labels => {
  if (!(METRIC_NAME in labels)) return labels;
  const { [METRIC_NAME]: _, ...rest } = labels;
  return rest;
};

export function matches(m: Matcher, labels: Labels): boolean {
  const v = labels[m.name] ?? '';
  switch (m.type) {
    case '=':
      return v === m.value;
    case '!=':
      return v !== m.value;
    case '=~':
      return compileRegex(m.value).test(v);
    case '!~':
      return !compileRegex(m.value).test(v);
  }
}

/** Compares label sets as Prometheus's labels.Compare does: name by name, then value, then length. */
export function compareLabels(a: Labels, b: Labels): number {
  const ak = Object.keys(a).sort();
  const bk = Object.keys(b).sort();
  for (let i = 0; i < Math.min(ak.length, bk.length); i++) {
    const x = ak[i] as string;
    const y = bk[i] as string;
    if (x !== y) return x < y ? -1 : 1;
    const xv = a[x] as string;
    const yv = b[y] as string;
    if (xv !== yv) return xv < yv ? -1 : 1;
  }
  return ak.length - bk.length;
}

/** A sample value as Prometheus's API writes it: `NaN`, `+Inf`, `-Inf`, or the number. */
export const formatSampleValue = (v: number): string =>
  Number.isNaN(v)
    ? 'NaN'
    : v === Number.POSITIVE_INFINITY
      ? '+Inf'
      : v === Number.NEGATIVE_INFINITY
        ? '-Inf'
        : String(v);

/** Go's strconv.FormatFloat(f, 'f', -1, 64), which count_values writes into its label. */
export function formatFloat(f: number): string {
  if (Number.isNaN(f)) return 'NaN';
  if (f === Number.POSITIVE_INFINITY) return '+Inf';
  if (f === Number.NEGATIVE_INFINITY) return '-Inf';
  if (Object.is(f, -0)) return '-0';
  const s = String(f);
  if (!/e/i.test(s)) return s;
  // Exponent form: write it out positionally, as Go's 'f' format does.
  const [mantissa = '', exp = '0'] = s.toLowerCase().split('e');
  const negative = mantissa.startsWith('-');
  const digits = mantissa.replace('-', '').replace('.', '');
  const point =
    (mantissa.replace('-', '').indexOf('.') === -1
      ? mantissa.replace('-', '').length
      : mantissa.replace('-', '').indexOf('.')) + Number(exp);
  const body =
    point <= 0
      ? `0.${'0'.repeat(-point)}${digits}`
      : point >= digits.length
        ? digits + '0'.repeat(point - digits.length)
        : `${digits.slice(0, point)}.${digits.slice(point)}`;
  return (negative ? '-' : '') + body;
}

/** A query Prometheus would fail while evaluating (not a syntax error): a 422 in its API. */
export class PromQLExecutionError extends Error {}

/** What function calls need of the evaluator. */
export interface EvalContext {
  refTime(vs: VectorSelector, ts: number): number;
  window(m: MatrixSelector, ts: number): Series[];
  scalarArg(e: Expr, ts: number): number;
  vectorArg(e: Expr, ts: number): Sample[];
}
