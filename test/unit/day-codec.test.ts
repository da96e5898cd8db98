import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { packDay, unpackDay, unpackHours } from '#shared/adapters/dynamodb/day-codec.ts';
import type { MetricPoint } from '#shared/domain/metrics.ts';

const D0 = 1_763_942_400; // a UTC midnight

/** A day of one point a minute from a seeded random walk, shaped by `shape`. */
function day(shape: (level: number, minute: number) => number, seed = 7): MetricPoint[] {
  let s = seed;
  let level = 10;
  return Array.from({ length: 1440 }, (_, m) => {
    s = (s * 1_103_515_245 + 12_345) % 2 ** 31;
    level += (s / 2 ** 31 - 0.5) * 0.2;
    return { time: D0 + m * 60, value: shape(level, m) };
  });
}

const codingOf = (points: MetricPoint[]) => packDay(points, D0).w[0];

describe('day item codec', () => {
  const shapes: Record<string, (level: number, minute: number) => number> = {
    'two decimals (loadavg)': (l) => Math.round(l * 100) / 100,
    'integers (memory bytes)': (l) => Math.round(4e9 + l * 1e6),
    'arbitrary floats (cpu percentage)': (l) => (l * 100) / 3,
    'negative and zero': (l, m) => (m % 7 === 0 ? 0 : -Math.round(l * 1000) / 1000),
    'integers past 2^50': (l) => 2 ** 52 + Math.round(l) * 2,
    'tiny floats': (l) => l * 1e-12,
  };
  for (const [name, shape] of Object.entries(shapes)) {
    it(`gives back every point exactly: ${name}`, () => {
      const points = day(shape);
      expect(unpackDay(packDay(points, D0), D0)).toEqual(points);
    });
  }

  it('keeps gaps and a day of one point', () => {
    const points = [
      { time: D0 + 120, value: 1.5 },
      { time: D0 + 7200, value: -3 },
      { time: D0 + 86_399, value: 0.25 },
    ];
    expect(unpackDay(packDay(points, D0), D0)).toEqual(points);
    expect(unpackDay(packDay([points[0] as MetricPoint], D0), D0)).toEqual([points[0]]);
  });

  it('codes decimal values as integer differences, and floats by their XOR when smaller', () => {
    expect(codingOf(day((l) => Math.round(l * 100) / 100))).toBe(16 + 2);
    expect(codingOf(day((l) => Math.round(4e9 + l * 1e6)))).toBe(16);
    expect(codingOf(day((l) => (l * 100) / 3))).toBe(1);
  });

  it('packs a day of two-decimal values in under half the first form', () => {
    const points = day((l) => Math.round(l * 100) / 100);
    const first = deflateRawSync(new Uint8Array(new Float64Array(points.map((p) => p.value)).buffer));
    const packed = packDay(points, D0);
    expect(packed.w.byteLength * 2).toBeLessThan(first.byteLength);
  });

  it("keeps each hour's count and sum, exact for decimal values, small beside the values", () => {
    for (const shape of [(l: number) => Math.round(l * 10) / 10, (l: number) => (l * 100) / 3]) {
      const points = day(shape).filter((_, m) => m % 3 !== 0 && m < 1380); // the last hour empty
      const packed = packDay(points, D0);
      const hours = unpackHours(packed, D0);
      expect(hours).toHaveLength(23);
      const first = points.filter((p) => p.time < D0 + 3600);
      expect(hours[0]?.hour).toBe(D0);
      expect(hours[0]?.count).toBe(40);
      expect(hours[0]?.sum).toBeCloseTo(
        first.reduce((a, p) => a + p.value, 0),
        6,
      );
      expect(packed.g.byteLength).toBeLessThan(48 * 8); // the first form's float64 pairs
    }
    const tenths = day((l) => Math.round(l * 10) / 10);
    const exact =
      tenths.filter((p) => p.time < D0 + 3600).reduce((a, p) => a + Math.round(p.value * 10), 0) / 10;
    expect(unpackHours(packDay(tenths, D0), D0)[0]?.sum).toBe(exact);
  });

  it('still reads day items packed in the first form (deflated float64, stored hourly pairs)', () => {
    const points = day((l) => l);
    const deltas = new Int32Array(points.map((p, i) => p.time - (i === 0 ? D0 : (points[i - 1]?.time ?? 0))));
    const pairs = new Float64Array(48);
    pairs[0] = 123.5;
    pairs[1] = 60;
    const legacy = {
      t: deflateRawSync(new Uint8Array(deltas.buffer)),
      v: deflateRawSync(new Uint8Array(new Float64Array(points.map((p) => p.value)).buffer)),
      h: new Uint8Array(pairs.buffer),
    };
    expect(unpackDay(legacy, D0)).toEqual(points);
    expect(unpackHours(legacy, D0)).toEqual([{ hour: D0, sum: 123.5, count: 60 }]);
  });

  it('refuses a coding it does not know instead of reading garbage', () => {
    const packed = packDay(
      day((l) => l),
      D0,
    );
    packed.w[0] = 200;
    expect(() => unpackDay(packed, D0)).toThrow(/coding 200/);
  });
});
