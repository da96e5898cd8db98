import { describe, expect, it } from 'vitest';
import { formatValue, valueAxis } from '../../console/src/units.ts';

describe('the console’s value axis', () => {
  it('steps byte rates in powers of two and labels them in order, each label fully shown', () => {
    const axis = valueAxis('bytes/sec');
    // The ticks uPlot picks from these increments: multiples of 64 KiB for a 0–200 KiB/s graph.
    expect(axis.incrs).toContain(64 * 1024);
    expect(axis.incrs?.every((n) => Number.isInteger(Math.log2(n)))).toBe(true);
    const labels = axis.values(null as never, [0, 65536, 131072, 196608]);
    expect(labels).toEqual(['0.00B/s', '64KiB/s', '128KiB/s', '192KiB/s']);
    // 7 px a character plus the tick margin: wider than the longest label, unlike the old 60 px.
    expect(axis.size(null as never, labels)).toBeGreaterThanOrEqual(16 + 7 * '128KiB/s'.length);
  });

  it('keeps decimal steps for other units', () => {
    expect(valueAxis('float').incrs).toBeUndefined();
    expect(formatValue(1500, 'float')).toBe('1.5K');
  });
});
