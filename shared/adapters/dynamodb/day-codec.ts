import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { MetricPoint } from '../../domain/metrics.ts';

/**
 * A compacted day of one series, as written: `t` the times as deltas (mostly 60, so they deflate
 * to almost nothing), `w` the values and `g` the 24 hourly counts and sums (long-range graphs read
 * only those). Values and sums are coded by whichever of the codings below is smallest for them
 * (their first byte says which): storage and the compaction's write units are billed by the item's
 * bytes, so a day item is kept as small as its values allow.
 */
export interface PackedDay {
  t: Uint8Array;
  w: Uint8Array;
  g: Uint8Array;
}

/**
 * A day item as stored: the current form (`t`, `w`, `g`) or the first one (`t`; `v` the values as
 * deflated float64; `h` 24 hourly [sum, count] float64 pairs), which items packed before remain in.
 */
export interface StoredDay {
  t: Uint8Array;
  w?: Uint8Array;
  g?: Uint8Array;
  v?: Uint8Array;
  h?: Uint8Array;
}

/** The float64 values, little-endian, deflated. */
const FLOAT64 = 0;
/** Each value's float64 bytes XOR the previous value's, grouped by byte significance (sign and exponent first), deflated: slowly moving values leave long runs of zero bytes. */
const FLOAT64_XOR = 1;
/** 16 + s: every value times 10^s is an integer: zigzag varints of the integers' differences, deflated. */
const DECIMAL = 16;
const MAX_SCALE = 9;
/** Integers are kept within ±2^50 so that every difference and its zigzag stay exact doubles. */
const DECIMAL_LIMIT = 2 ** 50;

export function packDay(points: MetricPoint[], dayStart: number): PackedDay {
  const deltas = new Int32Array(points.length);
  const values = new Float64Array(points.length);
  let prev = dayStart;
  points.forEach((p, i) => {
    deltas[i] = p.time - prev;
    prev = p.time;
    values[i] = p.value;
  });
  const scale = decimalScale(values);
  // Hourly sums of decimal values are summed as integers, so they stay exact decimals too.
  const f = 10 ** (scale ?? 0);
  const sums = new Float64Array(24);
  const counts = new Array<number>(24).fill(0);
  points.forEach((p, i) => {
    const hour = Math.floor((p.time - dayStart) / 3600);
    sums[hour] = (sums[hour] ?? 0) + (scale === undefined ? p.value : Math.round((values[i] ?? 0) * f));
    counts[hour] = (counts[hour] ?? 0) + 1;
  });
  if (scale !== undefined) for (let h = 0; h < 24; h++) sums[h] = (sums[h] ?? 0) / f;
  const g = [...varints(counts), ...codeValues(sums)];
  return {
    t: deflateRawSync(new Uint8Array(deltas.buffer)),
    w: codeValues(values, scale),
    g: Uint8Array.from(g),
  };
}

export function unpackDay(packed: StoredDay, dayStart: number): MetricPoint[] {
  const deltas = view(inflateRawSync(packed.t), Int32Array);
  const values = packed.w
    ? decodeValues(packed.w, deltas.length)
    : view(inflateRawSync(packed.v ?? new Uint8Array()), Float64Array);
  const out: MetricPoint[] = [];
  let time = dayStart;
  for (let i = 0; i < deltas.length; i++) {
    time += deltas[i] ?? 0;
    out.push({ time, value: values[i] ?? 0 });
  }
  return out;
}

/** Hourly [start, sum, count] of a day item, from its stored hours (either form). */
export function unpackHours(
  packed: StoredDay,
  dayStart: number,
): { hour: number; sum: number; count: number }[] {
  const out: { hour: number; sum: number; count: number }[] = [];
  if (packed.g) {
    const { numbers: counts, end } = readVarints(packed.g, 24, 0);
    const sums = decodeValues(packed.g.subarray(end), 24);
    counts.forEach((count, i) => {
      if (count > 0) out.push({ hour: dayStart + i * 3600, sum: sums[i] ?? 0, count });
    });
    return out;
  }
  const pairs = view(packed.h ?? new Uint8Array(), Float64Array);
  for (let i = 0; i < 24; i++) {
    const count = pairs[i * 2 + 1] ?? 0;
    if (count > 0) out.push({ hour: dayStart + i * 3600, sum: pairs[i * 2] ?? 0, count });
  }
  return out;
}

/**
 * The smallest coding of `values` (`scale`: their decimal scale, when already known). A decimal
 * coding within 4 bytes a value is taken without trying the float codings, which seldom beat it and
 * would double what compaction spends packing.
 */
function codeValues(values: Float64Array, scale = decimalScale(values)): Uint8Array {
  const decimalCoded = scale === undefined ? undefined : decimal(values, scale);
  if (decimalCoded && decimalCoded.byteLength <= values.length * 4) return decimalCoded;
  const codings = [float64(values), float64Xor(values), ...(decimalCoded ? [decimalCoded] : [])];
  return codings.reduce((a, b) => (b.byteLength < a.byteLength ? b : a));
}

const view = <T>(bytes: Uint8Array, Ctor: new (b: ArrayBuffer) => T): T =>
  new Ctor(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);

const tagged = (tag: number, body: Uint8Array): Uint8Array => {
  const deflated = deflateRawSync(body);
  const out = new Uint8Array(deflated.byteLength + 1);
  out[0] = tag;
  out.set(deflated, 1);
  return out;
};

function float64(values: Float64Array): Uint8Array {
  return tagged(FLOAT64, new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
}

function float64Xor(values: Float64Array): Uint8Array {
  const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  const n = values.length;
  const grouped = new Uint8Array(n * 8);
  for (let i = 0; i < n; i++) {
    for (let b = 0; b < 8; b++) {
      const x = (bytes[i * 8 + b] ?? 0) ^ (i > 0 ? (bytes[(i - 1) * 8 + b] ?? 0) : 0);
      grouped[(7 - b) * n + i] = x; // little-endian: byte 7 holds the sign and the exponent
    }
  }
  return tagged(FLOAT64_XOR, grouped);
}

/** The smallest s for which every value × 10^s is an integer within the limit, dividing back exactly. */
function decimalScale(values: Float64Array): number | undefined {
  for (let s = 0; s <= MAX_SCALE; s++) {
    const f = 10 ** s;
    const exact = values.every((x) => {
      const n = Math.round(x * f);
      return Math.abs(n) <= DECIMAL_LIMIT && n / f === x;
    });
    if (exact) return s;
  }
  return undefined;
}

function decimal(values: Float64Array, scale: number): Uint8Array {
  const f = 10 ** scale;
  let prev = 0;
  const zigzags = Array.from(values, (x) => {
    const n = Math.round(x * f);
    const d = n - prev;
    prev = n;
    return d >= 0 ? d * 2 : -d * 2 - 1; // zigzag, in arithmetic: past 2^31 bit operators would wrap
  });
  return tagged(DECIMAL + scale, varints(zigzags));
}

/** Unsigned integers (below 2^53) as varints: 7 bits a byte, low first. */
function varints(numbers: number[]): Uint8Array {
  const out = new Uint8Array(numbers.length * 8);
  let at = 0;
  for (let z of numbers) {
    while (z >= 128) {
      out[at++] = (z % 128) | 128;
      z = Math.floor(z / 128);
    }
    out[at++] = z;
  }
  return out.subarray(0, at);
}

function readVarints(bytes: Uint8Array, count: number, start: number): { numbers: number[]; end: number } {
  const numbers: number[] = [];
  let at = start;
  for (let i = 0; i < count; i++) {
    let z = 0;
    let mul = 1;
    for (;;) {
      const byte = bytes[at++] ?? 0;
      z += (byte & 127) * mul;
      if (byte < 128) break;
      mul *= 128;
    }
    numbers.push(z);
  }
  return { numbers, end: at };
}

function decodeValues(w: Uint8Array, count: number): Float64Array {
  const tag = w[0] ?? FLOAT64;
  const body = inflateRawSync(w.subarray(1));
  if (tag === FLOAT64) return view(body, Float64Array);
  const values = new Float64Array(count);
  if (tag === FLOAT64_XOR) {
    const bytes = new Uint8Array(values.buffer);
    for (let i = 0; i < count; i++) {
      for (let b = 0; b < 8; b++) {
        const x = body[(7 - b) * count + i] ?? 0;
        bytes[i * 8 + b] = x ^ (i > 0 ? (bytes[(i - 1) * 8 + b] ?? 0) : 0);
      }
    }
    return values;
  }
  if (tag < DECIMAL || tag > DECIMAL + MAX_SCALE) throw new Error(`unknown day item value coding ${tag}`);
  const f = 10 ** (tag - DECIMAL);
  let n = 0;
  readVarints(body, count, 0).numbers.forEach((z, i) => {
    n += z % 2 === 0 ? z / 2 : -(z + 1) / 2;
    values[i] = n / f;
  });
  return values;
}
