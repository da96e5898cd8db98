import {
  appendFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DuckDbMetricStore } from '#shared/adapters/duckdb/metric-store.ts';
import { decodeLog, encodeBatch } from '#shared/adapters/duckdb/point-log.ts';
import type { SeriesRow } from '#shared/adapters/duckdb/series-index.ts';

const HOST = { kind: 'host' as const, id: 'h1' };
const T = 1_764_028_800;

describe('the point log: local mode’s durable write, ahead of DuckDB', () => {
  const dirs: string[] = [];
  const tmp = () => {
    const dir = mkdtempSync(join(tmpdir(), 'saba-log-'));
    dirs.push(dir);
    return join(dir, 'metrics.duckdb');
  };
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('decodes what it encodes, and stops at a record torn by a crash mid-write', () => {
    const series: SeriesRow = {
      id: 7,
      org: 'acme',
      kind: 'host',
      owner: 'h1',
      name: 'loadavg5',
      hidden: false,
    };
    const one = encodeBatch({ created: [series], unhidden: [3], rows: [{ series, time: T, value: 1.25 }] });
    const two = encodeBatch({ created: [], unhidden: [], rows: [{ series, time: T + 60, value: -2 }] });
    const whole = decodeLog(Buffer.concat([one, two]));
    expect(whole).toEqual({
      created: [series],
      unhidden: [3],
      rows: [
        { series: 7, time: T, value: 1.25 },
        { series: 7, time: T + 60, value: -2 },
      ],
    });
    const torn = decodeLog(Buffer.concat([one, two.subarray(0, two.length - 3)]));
    expect(torn.rows).toEqual([{ series: 7, time: T, value: 1.25 }]);
  });

  it('answers reads from points DuckDB has not taken yet: raw reads merge them, aggregates wait for them', async () => {
    const path = tmp();
    const store = await DuckDbMetricStore.open(path);
    try {
      await store.write('acme', HOST, [{ name: 'loadavg5', time: T, value: 1 }], T);
      await store.write('acme', HOST, [{ name: 'loadavg5', time: T + 60, value: 3 }], T + 60);
      // A re-post of a minute: the later value wins, in the log as in DuckDB.
      await store.write('acme', HOST, [{ name: 'loadavg5', time: T, value: 2 }], T + 61);
      expect(readdirSync(join(path, '..')).filter((f) => f.includes('.log.'))).toHaveLength(1);
      expect(await store.range('acme', HOST, 'loadavg5', T - 60, T + 120, 60)).toEqual([
        { time: T, value: 2 },
        { time: T + 60, value: 3 },
      ]);
      expect(await store.range('acme', HOST, 'loadavg5', T, T + 7199, 3600)).toEqual([
        { time: T, value: 2.5 },
      ]);
      // The aggregate made DuckDB take the points: the log segment is gone, the reads the same.
      expect(readdirSync(join(path, '..')).filter((f) => f.includes('.log.'))).toEqual([]);
      expect(await store.range('acme', HOST, 'loadavg5', T - 60, T + 120, 60)).toHaveLength(2);
    } finally {
      await store.close();
    }
  });

  it('replays what a crash left in the log at open: new series and points, once, even if DuckDB had them', async () => {
    const path = tmp();
    const first = await DuckDbMetricStore.open(path);
    await first.write('acme', HOST, [{ name: 'loadavg5', time: T, value: 1 }], T);
    await first.close();
    // As a crash leaves it: a segment whose first batch DuckDB had committed, a new series, a torn tail.
    const known: SeriesRow = {
      id: 1,
      org: 'acme',
      kind: 'host',
      owner: 'h1',
      name: 'loadavg5',
      hidden: false,
    };
    const fresh: SeriesRow = {
      id: 2,
      org: 'acme',
      kind: 'host',
      owner: 'h1',
      name: 'memory.used',
      hidden: false,
    };
    const segment = `${path}.log.4`;
    writeFileSync(
      segment,
      encodeBatch({ created: [], unhidden: [], rows: [{ series: known, time: T, value: 1 }] }),
    );
    appendFileSync(
      segment,
      encodeBatch({ created: [fresh], unhidden: [], rows: [{ series: fresh, time: T + 60, value: 4e9 }] }),
    );
    appendFileSync(segment, Buffer.from([3, 200, 0, 0, 0, 1, 2]));
    const second = await DuckDbMetricStore.open(path);
    try {
      expect(existsSync(segment)).toBe(false);
      expect(await second.names('acme', HOST)).toEqual(['loadavg5', 'memory.used']);
      expect(await second.range('acme', HOST, 'loadavg5', T - 60, T + 60, 60)).toEqual([
        { time: T, value: 1 },
      ]);
      expect(await second.range('acme', HOST, 'memory.used', T, T + 60, 60)).toEqual([
        { time: T + 60, value: 4e9 },
      ]);
      expect((await second.lastSeen('acme')).h1).toBe(T + 60);
      // New series after the replay get new ids.
      await second.write('acme', HOST, [{ name: 'loadavg1', time: T + 120, value: 0.5 }], T + 120);
      expect(await second.range('acme', HOST, 'memory.used', T, T + 60, 60)).toHaveLength(1);
      expect(await second.range('acme', HOST, 'loadavg1', T, T + 180, 60)).toEqual([
        { time: T + 120, value: 0.5 },
      ]);
    } finally {
      await second.close();
    }
  });

  it('refuses a post whose append fails, and logs its new series with the next group', async () => {
    const path = tmp();
    const store = await DuckDbMetricStore.open(path);
    try {
      mkdirSync(`${path}.log.1`); // the segment cannot be opened for appending
      await expect(
        store.write('acme', HOST, [{ name: 'disk.used', time: T, value: 1 }], T),
      ).rejects.toThrow();
      rmSync(`${path}.log.1`, { recursive: true });
      await store.write('acme', HOST, [{ name: 'disk.used', time: T + 60, value: 2 }], T + 60);
    } finally {
      await store.close();
    }
    const reopened = await DuckDbMetricStore.open(path);
    try {
      expect(await reopened.names('acme', HOST)).toEqual(['disk.used']);
      expect(await reopened.range('acme', HOST, 'disk.used', T, T + 60, 60)).toEqual([
        { time: T + 60, value: 2 },
      ]);
    } finally {
      await reopened.close();
    }
  });
});
