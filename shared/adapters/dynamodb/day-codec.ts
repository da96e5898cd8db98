import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { MetricPoint } from '../../domain/metrics.ts';

/**
 * A compacted day of one series: times as deltas (mostly 60, so they deflate to almost nothing),
 * values as float64 (deflated), and 24 hourly [sum, count] pairs for long-range reads.
 */
export interface PackedDay {
  t: Uint8Array;
  v: Uint8Array;
  h: Uint8Array;
}

export function packDay(points: MetricPoint[], dayStart: number): PackedDay {
  const deltas = new Int32Array(points.length);
  const values = new Float64Array(points.length);
  const hours = new Float64Array(48);
  let prev = dayStart;
  points.forEach((p, i) => {
    deltas[i] = p.time - prev;
    prev = p.time;
    values[i] = p.value;
    const hour = Math.floor((p.time - dayStart) / 3600);
    hours[hour * 2] = (hours[hour * 2] ?? 0) + p.value;
    hours[hour * 2 + 1] = (hours[hour * 2 + 1] ?? 0) + 1;
  });
  return {
    t: deflateRawSync(new Uint8Array(deltas.buffer)),
    v: deflateRawSync(new Uint8Array(values.buffer)),
    h: new Uint8Array(hours.buffer),
  };
}

const view = <T>(bytes: Uint8Array, Ctor: new (b: ArrayBuffer) => T): T =>
  new Ctor(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);

export function unpackDay(packed: Pick<PackedDay, 't' | 'v'>, dayStart: number): MetricPoint[] {
  const deltas = view(inflateRawSync(packed.t), Int32Array);
  const values = view(inflateRawSync(packed.v), Float64Array);
  const out: MetricPoint[] = [];
  let time = dayStart;
  for (let i = 0; i < deltas.length; i++) {
    time += deltas[i] ?? 0;
    out.push({ time, value: values[i] ?? 0 });
  }
  return out;
}

/** Hourly [start, sum, count] of a packed day. */
export function unpackHours(h: Uint8Array, dayStart: number): { hour: number; sum: number; count: number }[] {
  const pairs = view(h, Float64Array);
  const out = [];
  for (let i = 0; i < 24; i++) {
    const count = pairs[i * 2 + 1] ?? 0;
    if (count > 0) out.push({ hour: dayStart + i * 3600, sum: pairs[i * 2] ?? 0, count });
  }
  return out;
}
