import { describe, expect, it } from 'vitest';
import { defPattern, groupMetrics } from '../../console/src/metric-groups.ts';

describe('the console’s host graphs', () => {
  const names = [
    'loadavg1',
    'loadavg5',
    'cpu.user.percentage',
    'cpu.idle.percentage',
    'memory.used',
    'custom.nginx.requests',
    'custom.nginx.connections',
    'custom.disk.vda.read',
    'custom.disk.vdb.read',
    'custom.app.err',
  ];

  it('groups system metrics as Mackerel does, with their units and stacking', () => {
    const groups = groupMetrics(names, []);
    expect(groups.find((g) => g.title === 'loadavg')?.names).toEqual(['loadavg1', 'loadavg5']);
    expect(groups.find((g) => g.title === 'cpu')).toMatchObject({ unit: 'percentage', stacked: true });
    expect(groups.find((g) => g.title === 'memory')?.unit).toBe('bytes');
  });

  it('draws custom graph definitions with * and # wildcards, and leaves the rest by prefix', () => {
    const groups = groupMetrics(names, [
      {
        name: 'custom.nginx',
        displayName: 'Nginx',
        unit: 'integer',
        metrics: [{ name: 'custom.nginx.*', isStacked: true }],
      },
      { name: 'custom.disk.#', unit: 'iops', metrics: [{ name: 'custom.disk.#.read', isStacked: false }] },
    ]);
    expect(groups.find((g) => g.title === 'Nginx')).toMatchObject({
      names: ['custom.nginx.requests', 'custom.nginx.connections'],
      unit: 'integer',
      stacked: true,
    });
    expect(groups.filter((g) => g.title.startsWith('custom.disk.#')).map((g) => [g.title, g.names])).toEqual([
      ['custom.disk.# (vda)', ['custom.disk.vda.read']],
      ['custom.disk.# (vdb)', ['custom.disk.vdb.read']],
    ]);
    expect(groups.find((g) => g.title === 'custom.app')?.names).toEqual(['custom.app.err']);
    expect(defPattern('custom.nginx.*').test('custom.nginx.a.b')).toBe(false);
  });
});
