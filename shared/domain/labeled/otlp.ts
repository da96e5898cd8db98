import { createHash } from 'node:crypto';
import { formatFloat, type Labels, normalized } from '../promql/values.ts';

/**
 * Labeled metrics (OpenTelemetry's, as Mackerel takes them): a series is a metric name and its
 * labels; its points are floats at whole seconds.
 */
export interface LabeledSeries {
  /** A hash of the name and the sorted labels: the same series always gets the same id. */
  id: string;
  name: string;
  labels: Labels;
}

export interface LabeledPoint {
  series: LabeledSeries;
  /** Epoch seconds. */
  time: number;
  value: number;
  /** A delta sum's increment: stored as the running total PromQL's counter functions expect. */
  delta?: boolean;
}

/** An OTLP metric name, as OpenTelemetry's instrument names are written (with room for suffixes). */
export const LABELED_METRIC_NAME = /^[a-zA-Z][a-zA-Z0-9_.\-/]{0,250}$/;
/** At most this many labels a series, and this long a label name or value. */
export const MAX_LABELS = 64;
export const MAX_LABEL_NAME = 255;
export const MAX_LABEL_VALUE = 1024;

export function seriesOf(name: string, labels: Labels): LabeledSeries {
  const sorted = normalized(labels);
  const key = [name, ...Object.entries(sorted).map(([k, v]) => `${k}=${v}`)].join('\0');
  return { id: createHash('sha256').update(key).digest('base64url').slice(0, 22), name, labels: sorted };
}

/** OTLP's decoded request, as protobufjs's toObject gives it (longs as strings, oneofs named). */
export interface OtlpAnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: string | number;
  doubleValue?: number;
  arrayValue?: { values?: OtlpAnyValue[] };
  kvlistValue?: { values?: OtlpKeyValue[] };
  bytesValue?: string | Uint8Array;
}
export interface OtlpKeyValue {
  key?: string;
  value?: OtlpAnyValue;
}
interface NumberDataPoint {
  attributes?: OtlpKeyValue[];
  timeUnixNano?: string | number;
  asDouble?: number;
  asInt?: string | number;
  flags?: number;
}
interface HistogramDataPoint {
  attributes?: OtlpKeyValue[];
  timeUnixNano?: string | number;
  count?: string | number;
  sum?: number;
  bucketCounts?: (string | number)[];
  explicitBounds?: number[];
  min?: number;
  max?: number;
  flags?: number;
}
interface ExponentialHistogramDataPoint {
  attributes?: OtlpKeyValue[];
  timeUnixNano?: string | number;
  count?: string | number;
  sum?: number;
  scale?: number;
  zeroCount?: string | number;
  positive?: { offset?: number; bucketCounts?: (string | number)[] };
  negative?: { offset?: number; bucketCounts?: (string | number)[] };
  min?: number;
  max?: number;
  flags?: number;
}
interface SummaryDataPoint {
  attributes?: OtlpKeyValue[];
  timeUnixNano?: string | number;
  count?: string | number;
  sum?: number;
  quantileValues?: { quantile?: number; value?: number }[];
  flags?: number;
}
export interface OtlpMetric {
  name?: string;
  gauge?: { dataPoints?: NumberDataPoint[] };
  sum?: { dataPoints?: NumberDataPoint[]; aggregationTemporality?: number; isMonotonic?: boolean };
  histogram?: { dataPoints?: HistogramDataPoint[]; aggregationTemporality?: number };
  exponentialHistogram?: { dataPoints?: ExponentialHistogramDataPoint[]; aggregationTemporality?: number };
  summary?: { dataPoints?: SummaryDataPoint[] };
}
export interface OtlpRequest {
  resourceMetrics?: {
    resource?: { attributes?: OtlpKeyValue[] };
    scopeMetrics?: { metrics?: OtlpMetric[] }[];
  }[];
}

const DELTA = 1;
const NO_RECORDED_VALUE = 1;

/** An attribute's value as a label value: strings as they are, other kinds in their usual text. */
export function attributeText(v: OtlpAnyValue | undefined): string {
  if (!v) return '';
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.boolValue !== undefined) return String(v.boolValue);
  if (v.intValue !== undefined) return String(v.intValue);
  if (v.doubleValue !== undefined) return formatFloat(v.doubleValue);
  if (v.bytesValue !== undefined)
    return typeof v.bytesValue === 'string' ? v.bytesValue : Buffer.from(v.bytesValue).toString('base64');
  if (v.arrayValue) return JSON.stringify((v.arrayValue.values ?? []).map(attributeText));
  if (v.kvlistValue)
    return JSON.stringify(
      Object.fromEntries((v.kvlistValue.values ?? []).map((kv) => [kv.key ?? '', attributeText(kv.value)])),
    );
  return '';
}

function labelsOf(...lists: (OtlpKeyValue[] | undefined)[]): Labels {
  const labels: Labels = {};
  for (const list of lists)
    for (const kv of list ?? [])
      if (kv.key && kv.key !== '__name__') labels[kv.key] = attributeText(kv.value);
  return labels;
}

const seconds = (nanos: string | number | undefined): number => {
  if (nanos === undefined) return 0;
  const n = typeof nanos === 'number' ? BigInt(Math.trunc(nanos)) : BigInt(nanos);
  return Number(n / 1_000_000_000n);
};

const num = (v: string | number | undefined): number => (v === undefined ? 0 : Number(v));

/** The value at quantile q of a distribution given as buckets (upper bounds, counts), linearly within a bucket. */
export function bucketQuantile(
  q: number,
  buckets: { lower: number; upper: number; count: number }[],
  min?: number,
  max?: number,
): number | undefined {
  const total = buckets.reduce((n, b) => n + b.count, 0);
  if (total === 0) return undefined;
  const rank = q * total;
  let seen = 0;
  for (const b of buckets) {
    if (b.count === 0) continue;
    if (seen + b.count >= rank) {
      const lower = Math.max(b.lower, min ?? Number.NEGATIVE_INFINITY);
      const upper = Math.min(b.upper, max ?? Number.POSITIVE_INFINITY);
      if (!Number.isFinite(upper)) return Number.isFinite(lower) ? lower : undefined;
      if (!Number.isFinite(lower)) return upper;
      return lower + (upper - lower) * ((rank - seen) / b.count);
    }
    seen += b.count;
  }
  return undefined;
}

const PERCENTILES = [
  ['99', 0.99],
  ['95', 0.95],
  ['90', 0.9],
] as const;

export interface Conversion {
  points: LabeledPoint[];
  /** Data points refused, by reason. */
  rejected: Map<string, number>;
}

/**
 * The points of an OTLP request, as Mackerel stores them: gauges and sums as they are (delta sums
 * marked, to be stored as running totals); histograms and summaries as their representative
 * values `.count`, `.sum`, `.min`, `.max`, `.99`, `.95`, `.90`, a value that is not finite not
 * stored. Resource attributes and each data point's attributes (which win) become labels.
 */
export function pointsOf(request: OtlpRequest): Conversion {
  const points: LabeledPoint[] = [];
  const rejected = new Map<string, number>();
  const reject = (why: string, n = 1) => rejected.set(why, (rejected.get(why) ?? 0) + n);
  const add = (name: string, labels: Labels, time: number, value: number | undefined, delta = false) => {
    if (value === undefined || !Number.isFinite(value)) return;
    points.push({ series: seriesOf(name, labels), time, value, ...(delta && { delta }) });
  };
  for (const rm of request.resourceMetrics ?? []) {
    const resource = rm.resource?.attributes;
    for (const sm of rm.scopeMetrics ?? [])
      for (const m of sm.metrics ?? []) {
        const name = m.name ?? '';
        const count =
          (m.gauge?.dataPoints?.length ?? 0) +
          (m.sum?.dataPoints?.length ?? 0) +
          (m.histogram?.dataPoints?.length ?? 0) +
          (m.exponentialHistogram?.dataPoints?.length ?? 0) +
          (m.summary?.dataPoints?.length ?? 0);
        if (!LABELED_METRIC_NAME.test(name)) {
          reject(`invalid metric name ${JSON.stringify(name.slice(0, 64))}`, count);
          continue;
        }
        const labelled = (attributes: OtlpKeyValue[] | undefined): Labels | undefined => {
          const labels = labelsOf(resource, attributes);
          const entries = Object.entries(labels);
          if (
            entries.length > MAX_LABELS ||
            entries.some(([k, v]) => k.length > MAX_LABEL_NAME || v.length > MAX_LABEL_VALUE)
          ) {
            reject(`too many or too long labels on ${name}`);
            return undefined;
          }
          return labels;
        };
        /** Each data point that has a value and acceptable labels, with those labels. */
        const recorded = <D extends { flags?: number; attributes?: OtlpKeyValue[] }>(
          points: D[] | undefined,
          take: (dp: D, labels: Labels) => void,
        ) => {
          for (const dp of points ?? []) {
            if ((dp.flags ?? 0) & NO_RECORDED_VALUE) continue;
            const labels = labelled(dp.attributes);
            if (labels) take(dp, labels);
          }
        };
        const numberPoint = (delta: boolean) => (dp: NumberDataPoint, labels: Labels) =>
          add(
            name,
            labels,
            seconds(dp.timeUnixNano),
            dp.asDouble ?? (dp.asInt !== undefined ? Number(dp.asInt) : undefined),
            delta,
          );
        recorded(m.gauge?.dataPoints, numberPoint(false));
        recorded(m.sum?.dataPoints, numberPoint(m.sum?.aggregationTemporality === DELTA));
        const histogramDelta = m.histogram?.aggregationTemporality === DELTA;
        recorded(m.histogram?.dataPoints, (dp, labels) => {
          const time = seconds(dp.timeUnixNano);
          const bounds = dp.explicitBounds ?? [];
          const buckets = (dp.bucketCounts ?? []).map((c, i) => ({
            lower: i === 0 ? Number.NEGATIVE_INFINITY : (bounds[i - 1] as number),
            upper: i < bounds.length ? (bounds[i] as number) : Number.POSITIVE_INFINITY,
            count: num(c),
          }));
          representative(
            add,
            name,
            labels,
            time,
            num(dp.count),
            dp.sum,
            dp.min,
            dp.max,
            histogramDelta,
            (q) => bucketQuantile(q, buckets, dp.min, dp.max),
          );
        });
        const exponentialDelta = m.exponentialHistogram?.aggregationTemporality === DELTA;
        recorded(m.exponentialHistogram?.dataPoints, (dp, labels) => {
          const base = 2 ** (2 ** -(dp.scale ?? 0));
          const side = (b: ExponentialHistogramDataPoint['positive'], sign: 1 | -1) =>
            (b?.bucketCounts ?? []).map((c, i) => {
              const index = (b?.offset ?? 0) + i;
              const [lo, hi] = [base ** index, base ** (index + 1)];
              return sign === 1
                ? { lower: lo, upper: hi, count: num(c) }
                : { lower: -hi, upper: -lo, count: num(c) };
            });
          const buckets = [
            ...side(dp.negative, -1).reverse(),
            { lower: 0, upper: 0, count: num(dp.zeroCount) },
            ...side(dp.positive, 1),
          ];
          representative(
            add,
            name,
            labels,
            seconds(dp.timeUnixNano),
            num(dp.count),
            dp.sum,
            dp.min,
            dp.max,
            exponentialDelta,
            (q) => bucketQuantile(q, buckets, dp.min, dp.max),
          );
        });
        recorded(m.summary?.dataPoints, (dp, labels) => {
          const quantiles = dp.quantileValues ?? [];
          representative(
            add,
            name,
            labels,
            seconds(dp.timeUnixNano),
            num(dp.count),
            dp.sum,
            undefined,
            undefined,
            false,
            (q) => quantiles.find((v) => v.quantile === q)?.value,
          );
        });
      }
  }
  return { points, rejected };
}

function representative(
  add: (name: string, labels: Labels, time: number, value: number | undefined, delta?: boolean) => void,
  name: string,
  labels: Labels,
  time: number,
  count: number,
  sum: number | undefined,
  min: number | undefined,
  max: number | undefined,
  delta: boolean,
  at: (q: number) => number | undefined,
): void {
  add(`${name}.count`, labels, time, count, delta);
  add(`${name}.sum`, labels, time, sum, delta);
  add(`${name}.min`, labels, time, min);
  add(`${name}.max`, labels, time, max);
  for (const [suffix, q] of PERCENTILES) add(`${name}.${suffix}`, labels, time, at(q));
}
