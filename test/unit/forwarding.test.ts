import { describe, expect, it } from 'vitest';
import {
  acceptedByCloudWatch,
  type ForwardedPoint,
  ForwardSelector,
  parseForwardRules,
} from '#shared/domain/forwarding.ts';
import type { HostSummary } from '#shared/domain/host.ts';
import type { MetricSink } from '#shared/ports/metric-forwarding.ts';
import {
  datumBytes,
  deliverForwarded,
  MAX_BYTES_PER_CALL,
  MAX_DATUMS_PER_CALL,
} from '#shared/use-cases/forwarding/deliver-forwarded.ts';
import { recordingLogger } from '../support/logger.ts';

const host = (id: string, roles: Record<string, string[]>, name = `${id}.example`): HostSummary => ({
  id,
  name,
  status: 'working',
  isRetired: false,
  createdAt: 0,
  roles,
  memo: '',
});
const points = (...names: string[]) =>
  names.map((name, i) => ({ name, time: 1_764_000_000 + i, value: i + 0.5 }));

describe('forward rules', () => {
  it('reads a comma-separated list of patterns, JSON or an object, filling in the defaults', () => {
    expect(parseForwardRules('loadavg5, cpu.*')).toEqual({
      metrics: ['loadavg5', 'cpu.*'],
      namespace: 'Saba',
      dimensions: ['HostId', 'HostName', 'Service', 'Role'],
    });
    expect(parseForwardRules('{"metrics":["x"],"roles":["shop:web"],"dimensions":["Role"]}')).toMatchObject({
      roles: ['shop:web'],
      dimensions: ['Role'],
    });
    expect(() => parseForwardRules({ metrics: [] })).toThrow(/metrics/);
    expect(() => parseForwardRules({ metrics: ['x'], roles: ['web'] })).toThrow(/service:role/);
    expect(() => parseForwardRules({ metrics: ['x'], colour: 'red' })).toThrow(/colour|Unrecognized/);
  });

  it('matches metric patterns whole, * spanning any run of characters, dots taken literally', () => {
    const s = new ForwardSelector(parseForwardRules('loadavg5,custom.*.p99,cpu.user.percentage'));
    const chosen = s.hostPoints(
      host('h1', {}),
      points('loadavg5', 'loadavg15', 'custom.app.rt.p99', 'cpuXuser.percentage', 'cpu.user.percentage'),
    );
    expect(chosen.map((p) => p.n)).toEqual(['loadavg5', 'custom.app.rt.p99', 'cpu.user.percentage']);
  });

  it('keeps to the hosts, services and roles asked for, one series per host and metric', () => {
    const s = new ForwardSelector(
      parseForwardRules({ metrics: ['*'], hosts: ['db-1.example'], roles: ['shop:web'], services: ['blog'] }),
    );
    // A host in two roles, one of them chosen: dimensions from the chosen one only.
    const web = s.hostPoints(host('h1', { shop: ['web', 'batch'], zoo: ['x'] }), points('loadavg5'));
    expect(web).toEqual([
      {
        n: 'loadavg5',
        t: 1_764_000_000,
        v: 0.5,
        d: [
          ['HostId', 'h1'],
          ['HostName', 'h1.example'],
          ['Service', 'shop'],
          ['Role', 'web'],
        ],
      },
    ]);
    expect(s.hostPoints(host('h2', { shop: ['batch'] }), points('loadavg5'))).toEqual([]);
    expect(s.hostPoints(host('h3', { blog: ['app'] }), points('loadavg5'))).toHaveLength(1);
    // Chosen by name; no roles, so no Service or Role dimension.
    expect(s.hostPoints(host('h4', {}, 'db-1.example'), points('loadavg5'))[0]?.d).toEqual([
      ['HostId', 'h4'],
      ['HostName', 'db-1.example'],
    ]);
    expect(s.servicePoints('blog', points('req'))[0]?.d).toEqual([['Service', 'blog']]);
    expect(s.servicePoints('shop', points('req'))).toEqual([]);
  });

  it('never sends what CloudWatch refuses: non-finite values, magnitudes beyond 2^±360, names over 255', () => {
    const ok = (value: number, name = 'x') => acceptedByCloudWatch({ name, time: 0, value });
    expect(ok(0)).toBe(true);
    expect(ok(-1e100)).toBe(true);
    expect(ok(2 ** 360)).toBe(true);
    expect(ok(2 ** 361)).toBe(false);
    expect(ok(1e-200)).toBe(false);
    expect(ok(Number.NaN)).toBe(false);
    expect(ok(Number.POSITIVE_INFINITY)).toBe(false);
    expect(ok(1, 'n'.repeat(256))).toBe(false);
    const s = new ForwardSelector(parseForwardRules('*'));
    expect(
      s.hostPoints(host('h', {}), [
        { name: 'a', time: 1, value: 1e300 },
        { name: 'b', time: 1, value: 2 },
      ]),
    ).toHaveLength(1);
  });
});

describe('delivery to CloudWatch', () => {
  const point = (i: number, name = 'loadavg5'): ForwardedPoint => ({
    n: name,
    t: 1_764_000_000 + i,
    v: i,
    d: [['HostId', `h${i}`]],
  });
  const recordingSink = (failOn?: (call: ForwardedPoint[]) => boolean) => {
    const calls: ForwardedPoint[][] = [];
    const sink: MetricSink = {
      async put(_ns, pts) {
        calls.push(pts);
        if (failOn?.(pts)) throw new Error('Throttling');
      },
    };
    return { sink, calls };
  };

  it('packs messages whole into calls of at most 1,000 datums and 1 MB', async () => {
    const { sink, calls } = recordingSink();
    const messages = Array.from({ length: 30 }, (_, m) => ({
      id: `m${m}`,
      points: Array.from({ length: 300 }, (_, i) => point(m * 1000 + i, `custom.${'x'.repeat(200)}.${i}`)),
    }));
    const out = await deliverForwarded(sink, 'Saba', messages, recordingLogger().logger);
    expect(out.failed).toEqual([]);
    expect(out.sent).toBe(9000);
    expect(calls.flat()).toHaveLength(9000);
    for (const call of calls) {
      expect(call.length).toBeLessThanOrEqual(MAX_DATUMS_PER_CALL);
      expect(call.reduce((s, p) => s + datumBytes(p), 0)).toBeLessThanOrEqual(MAX_BYTES_PER_CALL);
    }
    expect(calls.length).toBeLessThan(30); // messages share calls
  });

  it('reports only the messages of a failed call, so only those are retried', async () => {
    const { sink } = recordingSink((pts) => pts.some((p) => p.t === 1_764_000_000 + 2000));
    const messages = Array.from({ length: 5 }, (_, m) => ({
      id: `m${m}`,
      points: Array.from({ length: 500 }, (_, i) => point(m * 500 + i)),
    }));
    const out = await deliverForwarded(sink, 'Saba', messages, recordingLogger().logger);
    // 500 datums a message, two messages a call: m4 (2,000 to 2,499) is alone in the third call.
    expect(out.failed).toEqual(['m4']);
    expect(out.sent).toBe(2000);
  });
});
