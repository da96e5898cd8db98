/** Whose series it is: a host's (agent) or a service's (service metrics). */
export type MetricOwner = { kind: 'host'; id: string } | { kind: 'service'; id: string };

export interface MetricPoint {
  /** Epoch seconds, exactly as posted (the agent's first tick is not minute-aligned). */
  time: number;
  value: number;
}

export interface NamedPoint extends MetricPoint {
  name: string;
}

/** `[a-zA-Z0-9._-]+`, at most 255 characters (Mackerel documents no maximum). */
export const METRIC_NAME = /^[a-zA-Z0-9._-]{1,255}$/;

/** Points older than this are dropped with a 200, as Mackerel does. */
export const MAX_AGE_SECONDS = 24 * 3600;
/**
 * Points further than this in the future are dropped with a 200 too: a refusal would make the agent
 * re-send the batch for an hour and delay every newer point, and a far-future point would pose as the
 * latest value for days. An hour tolerates badly skewed clocks.
 */
export const MAX_FUTURE_SECONDS = 3600;

/** Where a point's time stands against the accepted window [now − 24 h, now + 1 h]. */
export const windowVerdict = (time: number, now: number): 'ok' | 'tooOld' | 'future' =>
  time < now - MAX_AGE_SECONDS ? 'tooOld' : time > now + MAX_FUTURE_SECONDS ? 'future' : 'ok';

/** Bucket widths a read may use, in seconds: raw minutes, then 5 min, 15 min, hours, days. */
export const STEPS = [60, 300, 900, 3600, 3 * 3600, 6 * 3600, 12 * 3600, 86400, 7 * 86400] as const;
/** A series read returns at most about this many points. */
export const MAX_POINTS = 1500;

/**
 * The read rule: the smallest step from STEPS that keeps `(to - from) / step` within MAX_POINTS.
 * Step 60 returns the stored points as they are; a larger step returns, for each bucket
 * `[t, t + step)` aligned to the epoch, the average of its points, stamped `t`.
 */
export function stepFor(from: number, to: number): number {
  const span = Math.max(0, to - from);
  return STEPS.find((s) => span / s <= MAX_POINTS) ?? (STEPS[STEPS.length - 1] as number);
}

export const bucketOf = (time: number, step: number): number => Math.floor(time / step) * step;

/**
 * The span a read covers: [from, to] for raw reads; for bucketed reads every bucket that touches
 * [from, to] is taken whole, so a bucket's average never depends on where the window cut it.
 */
export function coveredSpan(from: number, to: number, step: number): [number, number] {
  return step <= 60 ? [from, to] : [bucketOf(from, step), bucketOf(to, step) + step - 1];
}

/** Averages points into step-wide buckets (points must be sorted by time). */
export function bucketAverages(points: MetricPoint[], step: number): MetricPoint[] {
  if (step <= 60) return points;
  const out: MetricPoint[] = [];
  let bucket = Number.NaN;
  let sum = 0;
  let count = 0;
  for (const p of points) {
    const b = bucketOf(p.time, step);
    if (b !== bucket) {
      if (count > 0) out.push({ time: bucket, value: sum / count });
      bucket = b;
      sum = 0;
      count = 0;
    }
    sum += p.value;
    count++;
  }
  if (count > 0) out.push({ time: bucket, value: sum / count });
  return out;
}

/** Latest values by host id, then metric name; `null` where a name has no value. */
export type LatestValues = Record<string, Record<string, MetricPoint | null>>;
