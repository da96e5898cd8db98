import { type Expr, type MatrixSelector, METRIC_NAME, type VectorSelector } from './ast.ts';
import { compileRegex } from './parse.ts';
import { kahanInc, mean, quantile, sum, variance } from './stats.ts';
import {
  compareLabels,
  type EvalContext,
  type Labels,
  normalized,
  PromQLExecutionError,
  type Sample,
  type Series,
  type Value,
  withoutName,
} from './values.ts';

type Call = Extract<Expr, { kind: 'call' }>;

/** The range selector a range function reads (the parser guarantees its argument is one). */
function matrixOf(e: Expr): MatrixSelector {
  if (e.kind === 'matrix') return e;
  if (e.kind === 'paren') return matrixOf(e.expr);
  throw new PromQLExecutionError('expected a range vector selector');
}

/** Prometheus's extrapolated rate, increase and delta. */
function extrapolated(
  s: Series,
  m: MatrixSelector,
  rangeStart: number,
  rangeEnd: number,
  isCounter: boolean,
  isRate: boolean,
): number | undefined {
  const n = s.v.length;
  if (n < 2) return undefined;
  const firstT = s.t[0] as number;
  const lastT = s.t[n - 1] as number;
  let result = (s.v[n - 1] as number) - (s.v[0] as number);
  if (isCounter)
    for (let i = 1; i < n; i++)
      if ((s.v[i] as number) < (s.v[i - 1] as number)) result += s.v[i - 1] as number;
  let durationToStart = (firstT - rangeStart) / 1000;
  let durationToEnd = (rangeEnd - lastT) / 1000;
  const sampledInterval = (lastT - firstT) / 1000;
  const averageBetween = sampledInterval / (n - 1);
  const threshold = averageBetween * 1.1;
  if (durationToStart >= threshold) durationToStart = averageBetween / 2;
  if (isCounter) {
    let durationToZero = durationToStart;
    if (result > 0 && (s.v[0] as number) >= 0)
      durationToZero = sampledInterval * ((s.v[0] as number) / result);
    if (durationToZero < durationToStart) durationToStart = durationToZero;
  }
  if (durationToEnd >= threshold) durationToEnd = averageBetween / 2;
  let factor =
    sampledInterval !== 0 ? (sampledInterval + durationToStart + durationToEnd) / sampledInterval : 1;
  if (isRate) factor /= m.range / 1000;
  return result * factor;
}

/** irate and idelta: the last two samples. */
function instantValue(s: Series, isRate: boolean): number | undefined {
  const n = s.v.length;
  if (n < 2) return undefined;
  const prev = s.v[n - 2] as number;
  const last = s.v[n - 1] as number;
  const interval = (s.t[n - 1] as number) - (s.t[n - 2] as number);
  if (interval === 0) return undefined;
  let v = last;
  if (!isRate || !(last < prev)) v = last - prev;
  return isRate ? v / (interval / 1000) : v;
}

function linearRegression(s: Series, interceptTime: number): [number, number] {
  let n = 0;
  let sumX = 0;
  let cX = 0;
  let sumY = 0;
  let cY = 0;
  let sumXY = 0;
  let cXY = 0;
  let sumX2 = 0;
  let cX2 = 0;
  const initY = s.v[0] as number;
  let constY = true;
  s.v.forEach((y, i) => {
    if (constY && i > 0 && y !== initY) constY = false;
    n++;
    const x = ((s.t[i] as number) - interceptTime) / 1000;
    [sumX, cX] = kahanInc(x, sumX, cX);
    [sumY, cY] = kahanInc(y, sumY, cY);
    [sumXY, cXY] = kahanInc(x * y, sumXY, cXY);
    [sumX2, cX2] = kahanInc(x * x, sumX2, cX2);
  });
  if (constY) return Number.isFinite(initY) || Number.isNaN(initY) ? [0, initY] : [Number.NaN, Number.NaN];
  sumX += cX;
  sumY += cY;
  sumXY += cXY;
  sumX2 += cX2;
  const covXY = sumXY - (sumX * sumY) / n;
  const varX = sumX2 - (sumX * sumX) / n;
  const slope = covXY / varX;
  return [slope, sumY / n - (slope * sumX) / n];
}

type RangeFn = (
  s: Series,
  m: MatrixSelector,
  ts: number,
  ev: EvalContext,
  extra: number,
) => number | undefined;

const OVER_TIME: Record<string, RangeFn> = {
  rate: (s, m, ts, ev) =>
    extrapolated(s, m, ev.refTime(m.vector, ts) - m.range, ev.refTime(m.vector, ts), true, true),
  increase: (s, m, ts, ev) =>
    extrapolated(s, m, ev.refTime(m.vector, ts) - m.range, ev.refTime(m.vector, ts), true, false),
  delta: (s, m, ts, ev) =>
    extrapolated(s, m, ev.refTime(m.vector, ts) - m.range, ev.refTime(m.vector, ts), false, false),
  irate: (s) => instantValue(s, true),
  idelta: (s) => instantValue(s, false),
  deriv: (s) => (s.v.length < 2 ? undefined : linearRegression(s, s.t[0] as number)[0]),
  predict_linear: (s, _m, ts, _ev, duration) => {
    if (s.v.length < 2) return undefined;
    const [slope, intercept] = linearRegression(s, ts);
    return slope * duration + intercept;
  },
  changes: (s) => {
    let n = 0;
    for (let i = 1; i < s.v.length; i++) {
      const a = s.v[i - 1] as number;
      const b = s.v[i] as number;
      if (a !== b && !(Number.isNaN(a) && Number.isNaN(b))) n++;
    }
    return n;
  },
  resets: (s) => {
    let n = 0;
    for (let i = 1; i < s.v.length; i++) if ((s.v[i] as number) < (s.v[i - 1] as number)) n++;
    return n;
  },
  avg_over_time: (s) => mean(s.v),
  sum_over_time: (s) => sum(s.v),
  count_over_time: (s) => s.v.length,
  min_over_time: (s) => s.v.reduce((m, v) => (Number.isNaN(m) || v < m ? v : m), Number.NaN),
  max_over_time: (s) => s.v.reduce((m, v) => (Number.isNaN(m) || v > m ? v : m), Number.NaN),
  last_over_time: (s) => s.v[s.v.length - 1],
  present_over_time: () => 1,
  stddev_over_time: (s) => Math.sqrt(variance(s.v)),
  stdvar_over_time: (s) => variance(s.v),
  quantile_over_time: (s, _m, _ts, _ev, q) => quantile(q, s.v),
};

const MATH: Record<string, (v: number) => number> = {
  abs: Math.abs,
  ceil: Math.ceil,
  floor: Math.floor,
  exp: Math.exp,
  ln: Math.log,
  log2: Math.log2,
  log10: Math.log10,
  sqrt: Math.sqrt,
  sgn: (v) => (v > 0 ? 1 : v < 0 ? -1 : v),
};

const DATE: Record<string, (d: Date) => number> = {
  day_of_month: (d) => d.getUTCDate(),
  day_of_week: (d) => d.getUTCDay(),
  day_of_year: (d) => Math.floor((d.getTime() - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86_400_000) + 1,
  days_in_month: (d) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate(),
  hour: (d) => d.getUTCHours(),
  minute: (d) => d.getUTCMinutes(),
  month: (d) => d.getUTCMonth() + 1,
  year: (d) => d.getUTCFullYear(),
};

const vector = (samples: Sample[]): Value => ({ type: 'vector', samples });

/** Go's regexp.Expand template: $1, ${1}, $name, ${name}, $$. */
function expand(template: string, match: RegExpExecArray): string {
  return template.replace(/\$(\$|\{([^}]*)\}|([a-zA-Z0-9_]*))/g, (whole, _all, braced, bare) => {
    if (whole === '$$') return '$';
    const name = (braced ?? bare) as string;
    if (name === '') return '';
    if (/^[0-9]+$/.test(name)) return match[Number(name)] ?? '';
    return match.groups?.[name] ?? '';
  });
}

function labelsOfAbsent(arg: Expr): Labels {
  const vs: VectorSelector | undefined =
    arg.kind === 'vector' ? arg : arg.kind === 'matrix' ? arg.vector : undefined;
  if (!vs) return {};
  const out: Labels = {};
  const has = new Set<string>();
  for (const m of vs.matchers) {
    if (m.name === METRIC_NAME) continue;
    if (m.type === '=' && !has.has(m.name)) {
      out[m.name] = m.value;
      has.add(m.name);
    } else delete out[m.name];
  }
  return normalized(out);
}

/** Evaluates a function call at `ts`. */
export function evalCall(ev: EvalContext, e: Call, ts: number): Value {
  const [first, second] = e.args;
  const range = OVER_TIME[e.name];
  if (range) {
    const matrixArg = e.name === 'quantile_over_time' ? second : first;
    const m = matrixOf(matrixArg as Expr);
    const extra =
      e.name === 'quantile_over_time'
        ? ev.scalarArg(first as Expr, ts)
        : e.name === 'predict_linear'
          ? ev.scalarArg(second as Expr, ts)
          : 0;
    const keepName = e.name === 'last_over_time';
    const out: Sample[] = [];
    for (const s of ev.window(m, ts)) {
      const v = range(s, m, ts, ev, extra);
      if (v !== undefined) out.push({ labels: keepName ? s.labels : withoutName(s.labels), v, t: ts });
    }
    return vector(out);
  }
  if (e.name === 'absent_over_time') {
    return vector(
      ev.window(matrixOf(first as Expr), ts).length > 0
        ? []
        : [{ labels: labelsOfAbsent(first as Expr), v: 1, t: ts }],
    );
  }
  const math = MATH[e.name];
  if (math)
    return vector(
      ev.vectorArg(first as Expr, ts).map((s) => ({ labels: withoutName(s.labels), v: math(s.v), t: ts })),
    );
  const date = DATE[e.name];
  if (date) {
    const samples = first ? ev.vectorArg(first, ts) : [{ labels: {}, v: ts / 1000, t: ts }];
    return vector(
      samples.map((s) => ({
        labels: withoutName(s.labels),
        v: Number.isFinite(s.v) ? date(new Date(Math.floor(s.v) * 1000)) : Number.NaN,
        t: ts,
      })),
    );
  }
  switch (e.name) {
    case 'time':
      return { type: 'scalar', v: ts / 1000 };
    case 'pi':
      return { type: 'scalar', v: Math.PI };
    case 'vector':
      return vector([{ labels: {}, v: ev.scalarArg(first as Expr, ts), t: ts }]);
    case 'scalar': {
      const samples = ev.vectorArg(first as Expr, ts);
      return { type: 'scalar', v: samples.length === 1 ? (samples[0] as Sample).v : Number.NaN };
    }
    case 'round': {
      const to = second ? ev.scalarArg(second, ts) : 1;
      const inverse = 1 / to;
      return vector(
        ev.vectorArg(first as Expr, ts).map((s) => ({
          labels: withoutName(s.labels),
          v: Math.floor(s.v * inverse + 0.5) / inverse,
          t: ts,
        })),
      );
    }
    case 'clamp':
    case 'clamp_min':
    case 'clamp_max': {
      const lo = e.name === 'clamp_max' ? Number.NEGATIVE_INFINITY : ev.scalarArg(second as Expr, ts);
      const hi =
        e.name === 'clamp'
          ? ev.scalarArg(e.args[2] as Expr, ts)
          : e.name === 'clamp_max'
            ? ev.scalarArg(second as Expr, ts)
            : Number.POSITIVE_INFINITY;
      if (hi < lo) return vector([]);
      return vector(
        ev
          .vectorArg(first as Expr, ts)
          .map((s) => ({ labels: withoutName(s.labels), v: Math.max(lo, Math.min(hi, s.v)), t: ts })),
      );
    }
    case 'timestamp':
      return vector(
        ev.vectorArg(first as Expr, ts).map((s) => ({ labels: withoutName(s.labels), v: s.t / 1000, t: ts })),
      );
    case 'absent':
      return vector(
        ev.vectorArg(first as Expr, ts).length > 0
          ? []
          : [{ labels: labelsOfAbsent(first as Expr), v: 1, t: ts }],
      );
    case 'sort':
    case 'sort_desc': {
      const dir = e.name === 'sort' ? 1 : -1;
      return vector(
        [...ev.vectorArg(first as Expr, ts)].sort((a, b) => {
          if (Number.isNaN(a.v)) return Number.isNaN(b.v) ? 0 : 1;
          if (Number.isNaN(b.v)) return -1;
          return (a.v - b.v) * dir || compareLabels(a.labels, b.labels) * dir;
        }),
      );
    }
    case 'label_replace':
    case 'label_join':
      return labelFunction(ev, e, ts);
    default:
      throw new PromQLExecutionError(`function "${e.name}" is not supported`);
  }
}

const stringArg = (e: Expr | undefined): string => {
  if (e?.kind === 'string') return e.value;
  if (e?.kind === 'paren') return stringArg(e.expr);
  throw new PromQLExecutionError('expected a string literal');
};

function labelFunction(ev: EvalContext, e: Call, ts: number): Value {
  const dst = stringArg(e.args[1]);
  // Any non-empty UTF-8 name is a label name in Prometheus 3 (`http.method` among them).
  if (dst === '') throw new PromQLExecutionError(`invalid destination label name in ${e.name}(): ${dst}`);
  const samples = ev.vectorArg(e.args[0] as Expr, ts);
  let out: Sample[];
  if (e.name === 'label_replace') {
    const replacement = stringArg(e.args[2]);
    const src = stringArg(e.args[3]);
    const pattern = stringArg(e.args[4]);
    const re = compileRegex(pattern, () => {
      throw new PromQLExecutionError(`invalid regular expression in label_replace(): ${pattern}`);
    });
    out = samples.map((s) => {
      const match = re.exec(s.labels[src] ?? '');
      if (!match) return s;
      return { ...s, labels: normalized({ ...s.labels, [dst]: expand(replacement, match) }) };
    });
  } else {
    const separator = stringArg(e.args[2]);
    const sources = e.args.slice(3).map(stringArg);
    out = samples.map((s) => ({
      ...s,
      labels: normalized({ ...s.labels, [dst]: sources.map((l) => s.labels[l] ?? '').join(separator) }),
    }));
  }
  return vector(out);
}
