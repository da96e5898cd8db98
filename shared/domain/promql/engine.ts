import {
  type AggregateOp,
  type BinaryOp,
  type Expr,
  type MatrixSelector,
  METRIC_NAME,
  type VectorMatching,
  type VectorSelector,
} from './ast.ts';
import { evalCall } from './calls.ts';
import { parsePromQL, typeOf } from './parse.ts';
import { mean, pow, quantile, sum } from './stats.ts';
import {
  compareLabels,
  type EvalContext,
  formatFloat,
  type Labels,
  normalized,
  PromQLExecutionError,
  type RawSeries,
  type Sample,
  type Series,
  type SeriesSource,
  signature,
  type Value,
  withoutName,
} from './values.ts';

/** Prometheus's default: an instant vector selector takes the newest sample up to 5 minutes old. */
export const DEFAULT_LOOKBACK_MS = 5 * 60_000;

export interface QueryRange {
  /** Milliseconds. */
  start: number;
  end: number;
  /** Milliseconds; an instant query has start = end. */
  step: number;
  /** An instant query: one evaluation at `start`, answered as a scalar, string, vector or matrix. */
  instant?: boolean;
  lookbackDelta?: number;
}

export type QueryResult =
  | { resultType: 'scalar'; result: [number, number] }
  | { resultType: 'string'; result: [number, string] }
  | { resultType: 'vector'; result: { metric: Labels; value: [number, number] }[] }
  | { resultType: 'matrix'; result: { metric: Labels; values: [number, number][] }[] };

/** Selected series, fetched once per selector for the whole query, searched per step. */
class Fetched {
  readonly bySelector = new Map<VectorSelector, RawSeries[]>();
}

export class Evaluator implements EvalContext {
  readonly #fetched = new Fetched();
  readonly range: QueryRange;
  readonly lookback: number;
  constructor(range: QueryRange) {
    this.range = range;
    this.lookback = range.lookbackDelta ?? DEFAULT_LOOKBACK_MS;
  }

  /** Reads every selector's series over the window the query needs of it. */
  async fetch(expr: Expr, source: SeriesSource): Promise<void> {
    const selectors: { vs: VectorSelector; range: number }[] = [];
    const walk = (e: Expr): void => {
      switch (e.kind) {
        case 'vector':
          selectors.push({ vs: e, range: 0 });
          return;
        case 'matrix':
          selectors.push({ vs: e.vector, range: e.range });
          return;
        case 'call':
          e.args.forEach(walk);
          return;
        case 'aggregate':
          walk(e.expr);
          if (e.param) walk(e.param);
          return;
        case 'binary':
          walk(e.lhs);
          walk(e.rhs);
          return;
        case 'unary':
        case 'paren':
          walk(e.expr);
          return;
        default:
          return;
      }
    };
    walk(expr);
    await Promise.all(
      selectors.map(async ({ vs, range }) => {
        const from = this.refTime(vs, this.range.start) - (range > 0 ? range : this.lookback);
        const to = this.refTime(vs, this.range.end);
        const series = await source.select(vs.matchers, Math.min(from, to), Math.max(from, to));
        this.#fetched.bySelector.set(
          vs,
          series
            .map((s) => ({ ...s, labels: normalized(s.labels) }))
            .sort((a, b) => compareLabels(a.labels, b.labels)),
        );
      }),
    );
  }

  /** The time a selector reads at, for the evaluation time `ts`: its `@`, less its offset. */
  refTime(vs: VectorSelector, ts: number): number {
    const at = vs.at === 'start' ? this.range.start : vs.at === 'end' ? this.range.end : (vs.at ?? ts);
    return at - vs.offset;
  }

  eval(e: Expr, ts: number): Value {
    switch (e.kind) {
      case 'number':
        return { type: 'scalar', v: e.value };
      case 'string':
        return { type: 'string', s: e.value };
      case 'paren':
        return this.eval(e.expr, ts);
      case 'vector':
        return { type: 'vector', samples: this.instant(e, ts) };
      case 'matrix':
        return { type: 'matrix', series: this.window(e, ts) };
      case 'unary': {
        const v = this.eval(e.expr, ts);
        if (e.op === '+') return v;
        if (v.type === 'scalar') return { type: 'scalar', v: -v.v };
        if (v.type !== 'vector') throw new PromQLExecutionError('unary minus on a non-numeric value');
        return {
          type: 'vector',
          samples: v.samples.map((s) => ({ labels: withoutName(s.labels), v: -s.v, t: ts })),
        };
      }
      case 'call':
        return evalCall(this, e, ts);
      case 'aggregate':
        return { type: 'vector', samples: this.aggregate(e, ts) };
      case 'binary':
        return this.binary(e.op, e.lhs, e.rhs, e.returnBool, e.matching, ts);
    }
  }

  /** The instant vector a selector gives at `ts`: each series' newest sample within the lookback. */
  instant(vs: VectorSelector, ts: number): Sample[] {
    const ref = this.refTime(vs, ts);
    const out: Sample[] = [];
    for (const s of this.#fetched.bySelector.get(vs) ?? []) {
      const i = lastAtOrBefore(s.t, ref);
      if (i < 0 || (s.t[i] as number) <= ref - this.lookback || s.stale?.[i]) continue;
      out.push({ labels: s.labels, v: s.v[i] as number, t: s.t[i] as number });
    }
    return out;
  }

  /** The samples of each series in (ref − range, ref], stale markers left out. */
  window(m: MatrixSelector, ts: number): Series[] {
    const ref = this.refTime(m.vector, ts);
    const out: Series[] = [];
    for (const s of this.#fetched.bySelector.get(m.vector) ?? []) {
      const last = lastAtOrBefore(s.t, ref);
      const t: number[] = [];
      const v: number[] = [];
      for (let i = last; i >= 0 && (s.t[i] as number) > ref - m.range; i--) {
        if (s.stale?.[i]) continue;
        t.push(s.t[i] as number);
        v.push(s.v[i] as number);
      }
      if (t.length > 0) out.push({ labels: s.labels, t: t.reverse(), v: v.reverse() });
    }
    return out;
  }

  scalarArg(e: Expr, ts: number): number {
    const v = this.eval(e, ts);
    if (v.type !== 'scalar') throw new PromQLExecutionError('expected a scalar');
    return v.v;
  }

  vectorArg(e: Expr, ts: number): Sample[] {
    const v = this.eval(e, ts);
    if (v.type !== 'vector') throw new PromQLExecutionError('expected an instant vector');
    return v.samples;
  }

  aggregate(e: Extract<Expr, { kind: 'aggregate' }>, ts: number): Sample[] {
    const input = this.vectorArg(e.expr, ts);
    const param = e.param ? this.eval(e.param, ts) : undefined;
    const groupLabels = (labels: Labels): Labels => {
      if (e.without) {
        const out: Labels = {};
        for (const [k, v] of Object.entries(labels))
          if (k !== METRIC_NAME && !e.grouping.includes(k)) out[k] = v;
        return out;
      }
      const out: Labels = {};
      for (const k of e.grouping) if (labels[k] !== undefined) out[k] = labels[k] as string;
      return out;
    };
    if (e.op === 'count_values') {
      const label = param?.type === 'string' ? param.s : '';
      if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(label) && !label)
        throw new PromQLExecutionError(`invalid label name "${label}"`);
      const groups = new Map<string, Sample>();
      for (const s of input) {
        const labels = normalized({ ...groupLabels(s.labels), [label]: formatFloat(s.v) });
        const key = signature(labels);
        const g = groups.get(key);
        if (g) g.v++;
        else groups.set(key, { labels, v: 1, t: ts });
      }
      return [...groups.values()];
    }
    const groups = new Map<string, { labels: Labels; samples: Sample[] }>();
    for (const s of input) {
      const labels = groupLabels(s.labels);
      const key = signature(labels);
      const g = groups.get(key);
      if (g) g.samples.push(s);
      else groups.set(key, { labels, samples: [s] });
    }
    if (e.op === 'topk' || e.op === 'bottomk') {
      const k = param?.type === 'scalar' ? param.v : 0;
      if (Number.isNaN(k)) throw new PromQLExecutionError('Parameter value is NaN');
      const n = Math.min(Math.floor(k), Number.MAX_SAFE_INTEGER);
      if (n < 1) return [];
      const out: Sample[] = [];
      for (const g of groups.values()) {
        // NaN is the last choice of both.
        const sorted = [...g.samples].sort((a, b) =>
          Number.isNaN(a.v) || Number.isNaN(b.v)
            ? Number(Number.isNaN(a.v)) - Number(Number.isNaN(b.v))
            : e.op === 'topk'
              ? b.v - a.v
              : a.v - b.v,
        );
        out.push(...sorted.slice(0, n).map((s) => ({ ...s, t: ts })));
      }
      return out;
    }
    const out: Sample[] = [];
    for (const g of groups.values()) {
      const v = aggregateValues(
        e.op,
        g.samples.map((s) => s.v),
        param?.type === 'scalar' ? param.v : Number.NaN,
      );
      out.push({ labels: g.labels, v, t: ts });
    }
    return out;
  }

  binary(
    op: BinaryOp,
    lhsExpr: Expr,
    rhsExpr: Expr,
    returnBool: boolean,
    matching: VectorMatching | undefined,
    ts: number,
  ): Value {
    const lhs = this.eval(lhsExpr, ts);
    const rhs = this.eval(rhsExpr, ts);
    if (lhs.type === 'scalar' && rhs.type === 'scalar')
      return { type: 'scalar', v: scalarOp(op, lhs.v, rhs.v) };
    if (lhs.type === 'vector' && rhs.type === 'scalar')
      return { type: 'vector', samples: vectorScalar(op, lhs.samples, rhs.v, false, returnBool, ts) };
    if (lhs.type === 'scalar' && rhs.type === 'vector')
      return { type: 'vector', samples: vectorScalar(op, rhs.samples, lhs.v, true, returnBool, ts) };
    if (lhs.type !== 'vector' || rhs.type !== 'vector' || !matching)
      throw new PromQLExecutionError('bad binary operands');
    if (op === 'and' || op === 'or' || op === 'unless')
      return { type: 'vector', samples: setOp(op, lhs.samples, rhs.samples, matching) };
    return { type: 'vector', samples: vectorVector(op, lhs.samples, rhs.samples, matching, returnBool, ts) };
  }
}

/** The index of the last timestamp ≤ ref, or -1. */
export function lastAtOrBefore(t: number[], ref: number): number {
  let lo = 0;
  let hi = t.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if ((t[mid] as number) <= ref) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/** The aggregation's variance: Welford's, NaN once the first value is not finite. */
function welford(values: number[]): number {
  const first = values[0] as number;
  let value = Number.isFinite(first) ? 0 : Number.NaN;
  let m = first;
  for (let i = 1; i < values.length; i++) {
    const f = values[i] as number;
    const delta = f - m;
    m += delta / (i + 1);
    value += delta * (f - m);
  }
  return value / values.length;
}

function aggregateValues(op: AggregateOp, values: number[], param: number): number {
  switch (op) {
    case 'sum':
      return sum(values);
    case 'avg':
      return mean(values);
    case 'count':
      return values.length;
    case 'group':
      return 1;
    case 'min':
      return values.reduce((m, v) => (Number.isNaN(m) || v < m ? v : m), Number.NaN);
    case 'max':
      return values.reduce((m, v) => (Number.isNaN(m) || v > m ? v : m), Number.NaN);
    case 'stdvar':
      return welford(values);
    case 'stddev':
      return Math.sqrt(welford(values));
    case 'quantile':
      return quantile(param, values);
    default:
      throw new PromQLExecutionError(`aggregation ${op} is not evaluated here`);
  }
}

function arithmetic(op: BinaryOp, a: number, b: number): number {
  switch (op) {
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    case '/':
      return a / b;
    case '%':
      return a % b;
    case '^':
      return pow(a, b);
    case 'atan2':
      return Math.atan2(a, b);
    default:
      throw new PromQLExecutionError(`operator ${op} is not arithmetic`);
  }
}

function compare(op: BinaryOp, a: number, b: number): boolean {
  switch (op) {
    case '==':
      return a === b;
    case '!=':
      return a !== b;
    case '>':
      return a > b;
    case '<':
      return a < b;
    case '>=':
      return a >= b;
    case '<=':
      return a <= b;
    default:
      throw new PromQLExecutionError(`operator ${op} is not a comparison`);
  }
}

const isComparison = (op: BinaryOp) => ['==', '!=', '>', '<', '>=', '<='].includes(op);

function scalarOp(op: BinaryOp, a: number, b: number): number {
  return isComparison(op) ? Number(compare(op, a, b)) : arithmetic(op, a, b);
}

function vectorScalar(
  op: BinaryOp,
  samples: Sample[],
  scalar: number,
  swap: boolean,
  returnBool: boolean,
  ts: number,
): Sample[] {
  const out: Sample[] = [];
  for (const s of samples) {
    const [l, r] = swap ? [scalar, s.v] : [s.v, scalar];
    if (isComparison(op)) {
      const keep = compare(op, l, r);
      if (returnBool) out.push({ labels: withoutName(s.labels), v: Number(keep), t: ts });
      else if (keep) out.push({ labels: s.labels, v: s.v, t: ts });
    } else out.push({ labels: withoutName(s.labels), v: arithmetic(op, l, r), t: ts });
  }
  return out;
}

/** The labels two samples are matched on: the `on` labels, or all but the `ignoring` ones and the name. */
function matchLabels(labels: Labels, m: VectorMatching): Labels {
  const picked: Labels = {};
  for (const [k, v] of Object.entries(labels))
    if (m.on ? m.labels.includes(k) : k !== METRIC_NAME && !m.labels.includes(k)) picked[k] = v;
  return picked;
}

const matchKey = (labels: Labels, m: VectorMatching): string => signature(matchLabels(labels, m));

/** Labels as Prometheus prints them: `{a="1", b="2"}`. */
export const labelsString = (labels: Labels): string =>
  `{${Object.keys(labels)
    .sort()
    .map((k) => `${k}=${JSON.stringify(labels[k])}`)
    .join(', ')}}`;

function setOp(op: 'and' | 'or' | 'unless', lhs: Sample[], rhs: Sample[], m: VectorMatching): Sample[] {
  const right = new Set(rhs.map((s) => matchKey(s.labels, m)));
  if (op === 'and') return lhs.filter((s) => right.has(matchKey(s.labels, m)));
  if (op === 'unless') return lhs.filter((s) => !right.has(matchKey(s.labels, m)));
  const left = new Set(lhs.map((s) => matchKey(s.labels, m)));
  return [...lhs, ...rhs.filter((s) => !left.has(matchKey(s.labels, m)))];
}

function resultLabels(ls: Labels, rs: Labels, op: BinaryOp, m: VectorMatching, returnBool: boolean): Labels {
  let out: Labels = { ...ls };
  if (returnBool || !isComparison(op)) out = withoutName(out);
  if (m.card === 'one-to-one') {
    if (m.on) {
      const kept: Labels = {};
      for (const k of m.labels) if (out[k] !== undefined) kept[k] = out[k] as string;
      out = kept;
    } else for (const k of m.labels) delete out[k];
  }
  for (const k of m.include) {
    if (rs[k]) out[k] = rs[k] as string;
    else delete out[k];
  }
  return normalized(out);
}

function vectorVector(
  op: BinaryOp,
  lhsIn: Sample[],
  rhsIn: Sample[],
  m: VectorMatching,
  returnBool: boolean,
  ts: number,
): Sample[] {
  const swapped = m.card === 'one-to-many';
  const [lhs, rhs] = swapped ? [rhsIn, lhsIn] : [lhsIn, rhsIn];
  const right = new Map<string, Sample>();
  for (const s of rhs) {
    const key = matchKey(s.labels, m);
    const dup = right.get(key);
    if (dup)
      throw new PromQLExecutionError(
        `found duplicate series for the match group ${labelsString(matchLabels(s.labels, m))} on the ${swapped ? 'left' : 'right'} hand-side of the operation: [${[labelsString(s.labels), labelsString(dup.labels)].sort().join(', ')}];many-to-many matching not allowed: matching labels must be unique on one side`,
      );
    right.set(key, s);
  }
  const matched = new Map<string, Set<string>>();
  const out: Sample[] = [];
  for (const ls of lhs) {
    const key = matchKey(ls.labels, m);
    const rs = right.get(key);
    if (!rs) continue;
    const [l, r] = swapped ? [rs.v, ls.v] : [ls.v, rs.v];
    const labels = resultLabels(ls.labels, rs.labels, op, m, returnBool);
    const seen = matched.get(key) ?? new Set<string>();
    if (m.card === 'one-to-one') {
      if (seen.size > 0)
        throw new PromQLExecutionError(
          'multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)',
        );
      seen.add('');
    } else {
      const sig = signature(labels);
      if (seen.has(sig))
        throw new PromQLExecutionError(
          'multiple matches for labels: grouping labels must ensure unique matches',
        );
      seen.add(sig);
    }
    matched.set(key, seen);
    if (isComparison(op)) {
      const keep = compare(op, l, r);
      if (returnBool) out.push({ labels, v: Number(keep), t: ts });
      else if (keep) out.push({ labels, v: l, t: ts });
    } else out.push({ labels, v: arithmetic(op, l, r), t: ts });
  }
  return out;
}

function assertUnique(samples: Sample[]): void {
  const seen = new Set<string>();
  for (const s of samples) {
    const key = signature(s.labels);
    if (seen.has(key)) throw new PromQLExecutionError('vector cannot contain metrics with the same labelset');
    seen.add(key);
  }
}

/**
 * Evaluates a parsed query at each step of the range (an instant query is one step), as Prometheus
 * does: scalars, strings and vectors at an instant; a matrix of series over a range.
 */
export async function evaluate(expr: Expr, source: SeriesSource, range: QueryRange): Promise<QueryResult> {
  const ev = new Evaluator(range);
  await ev.fetch(expr, source);
  const type = typeOf(expr);
  if (range.instant) {
    const v = ev.eval(expr, range.start);
    switch (v.type) {
      case 'scalar':
        return { resultType: 'scalar', result: [range.start, v.v] };
      case 'string':
        return { resultType: 'string', result: [range.start, v.s] };
      case 'vector':
        assertUnique(v.samples);
        return {
          resultType: 'vector',
          result: v.samples.map((s) => ({ metric: s.labels, value: [range.start, s.v] })),
        };
      case 'matrix':
        return {
          resultType: 'matrix',
          result: v.series.map((s) => ({
            metric: s.labels,
            values: s.t.map((t, i) => [t, s.v[i] as number]),
          })),
        };
    }
  }
  if (type !== 'scalar' && type !== 'vector')
    throw new PromQLExecutionError(
      `invalid expression type "${type === 'matrix' ? 'range vector' : type}" for range query, must be Scalar or instant Vector`,
    );
  const bySeries = new Map<string, { metric: Labels; values: [number, number][] }>();
  for (let ts = range.start; ts <= range.end; ts += range.step) {
    const v = ev.eval(expr, ts);
    const samples =
      v.type === 'scalar' ? [{ labels: {}, v: v.v, t: ts }] : v.type === 'vector' ? v.samples : [];
    assertUnique(samples);
    for (const s of samples) {
      const key = signature(s.labels);
      const series = bySeries.get(key) ?? { metric: s.labels, values: [] };
      series.values.push([ts, s.v]);
      bySeries.set(key, series);
    }
  }
  return {
    resultType: 'matrix',
    result: [...bySeries.values()].sort((a, b) => compareLabels(a.metric, b.metric)),
  };
}

/** Parses and evaluates. */
export async function query(text: string, source: SeriesSource, range: QueryRange): Promise<QueryResult> {
  return evaluate(parsePromQL(text), source, range);
}
