import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MetricOwner, NamedPoint } from '#shared/domain/metrics.ts';
import type { MetricStore } from '#shared/ports/metric-store.ts';

export interface ContractSubject {
  store: MetricStore;
  /** Runs the adapter's compaction as if the clock read `now`. */
  compact(now: number): Promise<void>;
  /** Closes and opens the store again on the same storage (a restart). */
  reopen(): Promise<MetricStore>;
  dispose(): Promise<void>;
}

const host = (id: string): MetricOwner => ({ kind: 'host', id });
const T0 = 1_764_000_000 - (1_764_000_000 % 86400); // a UTC midnight
const pts = (name: string, values: [number, number][]): NamedPoint[] =>
  values.map(([time, value]) => ({ name, time, value }));

/** The one suite every MetricStore adapter passes. */
export function metricStoreContract(label: string, open: () => Promise<ContractSubject>) {
  describe(`MetricStore contract: ${label}`, () => {
    let subject: ContractSubject;
    let store: MetricStore;

    beforeAll(async () => {
      subject = await open();
      store = subject.store;
    });
    afterAll(() => subject.dispose());

    it('reads back exactly what was written, oldest first, bounds inclusive, odd seconds kept', async () => {
      await store.write(
        'o1',
        host('h1'),
        pts('loadavg5', [
          [T0 + 123, 0.5],
          [T0 + 3, 1.25],
          [T0 + 63, 0],
        ]),
        T0 + 200,
      );
      expect(await store.range('o1', host('h1'), 'loadavg5', T0 + 3, T0 + 123, 60)).toEqual([
        { time: T0 + 3, value: 1.25 },
        { time: T0 + 63, value: 0 },
        { time: T0 + 123, value: 0.5 },
      ]);
      expect(await store.range('o1', host('h1'), 'loadavg5', T0 + 4, T0 + 122, 60)).toEqual([
        { time: T0 + 63, value: 0 },
      ]);
    });

    it('overwrites the same (series, time): the last write wins, also within one write', async () => {
      await store.write(
        'o1',
        host('h2'),
        pts('m', [
          [T0, 1],
          [T0, 2],
        ]),
        T0,
      );
      await store.write(
        'o1',
        host('h2'),
        pts('m', [
          [T0, 3],
          [T0 + 60, 4],
        ]),
        T0,
      );
      await store.write('o1', host('h2'), pts('m', [[T0 + 60, 5]]), T0);
      expect(await store.range('o1', host('h2'), 'm', T0, T0 + 60, 60)).toEqual([
        { time: T0, value: 3 },
        { time: T0 + 60, value: 5 },
      ]);
    });

    it('merges partial writes of one (owner, time) without losing names', async () => {
      await store.write('o1', host('h3'), pts('a', [[T0, 1]]), T0);
      await store.write('o1', host('h3'), pts('b', [[T0, 2]]), T0);
      expect(await store.range('o1', host('h3'), 'a', T0, T0, 60)).toEqual([{ time: T0, value: 1 }]);
      expect(await store.range('o1', host('h3'), 'b', T0, T0, 60)).toEqual([{ time: T0, value: 2 }]);
    });

    it('keeps organizations and owner kinds apart', async () => {
      await store.write('o1', host('same'), pts('m', [[T0, 1]]), T0);
      await store.write('o2', host('same'), pts('m', [[T0, 2]]), T0);
      await store.write('o1', { kind: 'service', id: 'same' }, pts('m', [[T0, 3]]), T0);
      expect(await store.range('o1', host('same'), 'm', T0, T0, 60)).toEqual([{ time: T0, value: 1 }]);
      expect(await store.range('o2', host('same'), 'm', T0, T0, 60)).toEqual([{ time: T0, value: 2 }]);
      expect(await store.range('o1', { kind: 'service', id: 'same' }, 'm', T0, T0, 60)).toEqual([
        { time: T0, value: 3 },
      ]);
      expect(await store.range('o3', host('same'), 'm', T0, T0, 60)).toEqual([]);
    });

    it('averages into aligned buckets, taking every touched bucket whole', async () => {
      const values: [number, number][] = Array.from({ length: 20 }, (_, i) => [T0 + i * 60, i]);
      await store.write('o1', host('h4'), pts('cpu', values), T0);
      expect(await store.range('o1', host('h4'), 'cpu', T0, T0 + 19 * 60, 300)).toEqual([
        { time: T0, value: 2 },
        { time: T0 + 300, value: 7 },
        { time: T0 + 600, value: 12 },
        { time: T0 + 900, value: 17 },
      ]);
      expect(await store.range('o1', host('h4'), 'cpu', T0 + 400, T0 + 500, 300)).toEqual([
        { time: T0 + 300, value: 7 },
      ]);
      expect(await store.range('o1', host('h4'), 'cpu', T0, T0 + 19 * 60, 3600)).toEqual([
        { time: T0, value: 9.5 },
      ]);
    });

    it('reads one metric of many hosts in one call', async () => {
      await store.write('o1', host('r1'), pts('x', [[T0, 1]]), T0);
      await store.write(
        'o1',
        host('r2'),
        pts('x', [
          [T0, 2],
          [T0 + 60, 4],
        ]),
        T0,
      );
      expect(await store.rangeMany('o1', [host('r1'), host('r2'), host('r3')], 'x', T0, T0 + 60, 60)).toEqual(
        {
          r1: [{ time: T0, value: 1 }],
          r2: [
            { time: T0, value: 2 },
            { time: T0 + 60, value: 4 },
          ],
          r3: [],
        },
      );
    });

    it('answers the latest point per name; a late older point does not replace it', async () => {
      await store.write('o1', host('l1'), pts('a', [[T0 + 120, 3]]), T0 + 130);
      await store.write(
        'o1',
        host('l1'),
        pts('a', [[T0 + 60, 2]]).concat(pts('b', [[T0 + 60, 7]])),
        T0 + 140,
      );
      expect(await store.latest('o1', ['l1', 'nobody'], ['a', 'b', 'c'])).toEqual({
        l1: { a: { time: T0 + 120, value: 3 }, b: { time: T0 + 60, value: 7 }, c: null },
        nobody: { a: null, b: null, c: null },
      });
    });

    it('lists names, forgets names until they are posted again, and reports arrival heartbeats', async () => {
      await store.write(
        'o9',
        host('n1'),
        pts('z.last', [[T0, 1]]).concat(pts('a.first', [[T0, 1]])),
        T0 + 10,
      );
      await store.write('o9', host('n2'), pts('a.first', [[T0, 1]]), T0 + 20);
      expect(await store.names('o9', host('n1'))).toEqual(['a.first', 'z.last']);
      await store.forgetNames('o9', host('n1'), ['z.last']);
      expect(await store.names('o9', host('n1'))).toEqual(['a.first']);
      await store.write('o9', host('n1'), pts('z.last', [[T0 + 60, 2]]), T0 + 70);
      expect(await store.names('o9', host('n1'))).toEqual(['a.first', 'z.last']);
      expect(await store.lastSeen('o9')).toEqual({ n1: T0 + 70, n2: T0 + 20 });
    });

    it('acknowledges concurrent writes only once all of them are stored', async () => {
      await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          store.write(
            'o1',
            host(`c${i}`),
            pts('v', [
              [T0, i],
              [T0 + 60, i + 1],
            ]),
            T0,
          ),
        ),
      );
      const all = await store.rangeMany(
        'o1',
        Array.from({ length: 40 }, (_, i) => host(`c${i}`)),
        'v',
        T0,
        T0 + 60,
        60,
      );
      for (let i = 0; i < 40; i++)
        expect(all[`c${i}`]).toEqual([
          { time: T0, value: i },
          { time: T0 + 60, value: i + 1 },
        ]);
    });

    it('stores every finite double Mackerel accepts and reads it back exactly, before and after compaction', async () => {
      const extremes = [
        5e-324,
        -1e-200,
        1e-131,
        1e-130,
        1e125,
        1e126,
        1e300,
        -1.7976931348623157e308,
        2 ** 53 + 2,
        1e20,
        -0.1,
        123.456,
      ];
      const t = T0 - 2 * 86400;
      await store.write(
        'o9',
        host('x'),
        pts(
          'extreme',
          extremes.map((v, i) => [t + i * 60, v]),
        ),
        t + 3600,
      );
      const back = await store.range('o9', host('x'), 'extreme', t, t + 3600, 60);
      expect(back.map((p) => p.value)).toEqual(extremes);
      expect((await store.latest('o9', ['x'], ['extreme'])).x?.extreme?.value).toBe(123.456);
      await subject.compact(T0 + 4 * 86400);
      expect((await store.range('o9', host('x'), 'extreme', t, t + 3600, 60)).map((p) => p.value)).toEqual(
        extremes,
      );
    });

    it('reads the same after compaction (raw and hourly), and after a restart', async () => {
      const day: [number, number][] = Array.from({ length: 1440 }, (_, i) => [T0 + i * 60, (i % 60) + 0.5]);
      await store.write('o1', host('old'), pts('mem', day), T0 + 86400);
      const raw = await store.range('o1', host('old'), 'mem', T0 + 3600, T0 + 7199, 60);
      const hourly = await store.range('o1', host('old'), 'mem', T0, T0 + 86399, 3600);
      expect(raw).toHaveLength(60);
      expect(hourly).toHaveLength(24);
      expect(hourly[5]).toEqual({ time: T0 + 5 * 3600, value: 30 });
      await subject.compact(T0 + 4 * 86400);
      expect(await store.range('o1', host('old'), 'mem', T0 + 3600, T0 + 7199, 60)).toEqual(raw);
      expect(await store.range('o1', host('old'), 'mem', T0, T0 + 86399, 3600)).toEqual(hourly);
      expect(await store.range('o1', host('old'), 'mem', T0, T0 + 86399, 900)).toHaveLength(96);

      store = await subject.reopen();
      expect(await store.range('o1', host('old'), 'mem', T0 + 3600, T0 + 7199, 60)).toEqual(raw);
      expect(await store.names('o1', host('h3'))).toEqual(['a', 'b']);
      expect((await store.latest('o1', ['l1'], ['a'])).l1).toEqual({ a: { time: T0 + 120, value: 3 } });
    });
  });
}
