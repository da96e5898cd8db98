import { METRIC_NAME, type NamedPoint } from '../domain/metrics.ts';
import { ValidationError } from '../errors.ts';

/** Points one request may carry: the agent sends about 30–60, two minutes' worth when catching up. */
export const MAX_POINTS_PER_POST = 20_000;

export interface HostPoint extends NamedPoint {
  hostId: string;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function point(item: unknown, i: number, withHost: boolean): HostPoint {
  const bad = (why: string) => new ValidationError(`Invalid metric value at index ${i}: ${why}.`);
  if (!isObject(item)) throw bad('expected an object');
  const { hostId, name, time, value } = item;
  if (withHost && (typeof hostId !== 'string' || hostId === '' || hostId.length > 64))
    throw bad('hostId must be a host id');
  if (typeof name !== 'string' || !METRIC_NAME.test(name)) throw bad('name must match [a-zA-Z0-9._-]+');
  if (typeof time !== 'number' || !Number.isFinite(time) || time < 0 || time > 4_294_967_295) {
    throw bad('time must be epoch seconds');
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) throw bad('value must be a finite number');
  return { hostId: withHost ? (hostId as string) : '', name, time: Math.floor(time), value };
}

/**
 * The body of `POST /api/v0/tsdb` (withHost) or `/services/<s>/tsdb`: an array of points, or `null`.
 * Hand-written rather than a schema: it runs on every agent post, and one bad point refuses the whole
 * body so nothing of it is stored.
 */
export function parseMetricBody(body: unknown, withHost: boolean): HostPoint[] {
  if (body === null || body === undefined) return [];
  if (!Array.isArray(body))
    throw new ValidationError('Invalid request body: expected an array of metric values.');
  if (body.length > MAX_POINTS_PER_POST) {
    throw new ValidationError(`Too many metric values in one request (at most ${MAX_POINTS_PER_POST}).`);
  }
  return body.map((item, i) => point(item, i, withHost));
}

export interface RangeQuery {
  name: string;
  from: number;
  to: number;
}

/** A required epoch-seconds query parameter. */
export function epochParam(raw: string | undefined, label: string): number {
  if (raw === undefined || !/^\d{1,10}$/.test(raw))
    throw new ValidationError(`${label} must be epoch seconds.`);
  return Number(raw);
}

/** `?name=&from=&to=`: all three required, as client-go always sends them. */
export function parseRangeQuery(get: (key: string) => string | undefined): RangeQuery {
  const name = get('name');
  if (name === undefined || !METRIC_NAME.test(name)) throw new ValidationError('name must be a metric name.');
  const from = epochParam(get('from'), 'from');
  const to = epochParam(get('to'), 'to');
  if (from > to) throw new ValidationError('from must not be after to.');
  return { name, from, to };
}
