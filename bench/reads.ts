/**
 * Graph reads over HTTP against the local server, with the data really there: 20 hosts of one
 * role, 30 days of 1-minute points for 10 metrics each (8.6 M points, seeded straight into the
 * DuckDB store, then compacted as the server would). Reports p50/p99 of
 * - a 1-day graph of one metric for the whole role (20 series × 1,440 raw points), and
 * - a 30-day graph of one metric of one host (720 hourly averages).
 */
import { rmSync } from 'node:fs';
import { api, percentile, saveResult, seededRole, startSaba } from './support.ts';

const HOSTS = 20;
const DAYS = 30;
const NAMES = [
  'loadavg5',
  'cpu.user.percentage',
  'cpu.system.percentage',
  'memory.used',
  'memory.total',
  'disk.vda.reads.delta',
  'disk.vda.writes.delta',
  'interface.eth0.rxBytes.delta',
  'interface.eth0.txBytes.delta',
  'filesystem.vda1.used',
];
const RUNS = 30;

const { dataDir, ids, now, start, seedSeconds } = await seededRole(HOSTS, DAYS, NAMES);
console.log(`seeded ${HOSTS * DAYS * 1440 * NAMES.length} points in ${seedSeconds.toFixed(1)} s`);

const restartStarted = performance.now();
const server = await startSaba(dataDir);
const restartMs = performance.now() - restartStarted;

async function time(label: string, path: string, check: (body: Record<string, unknown>) => void) {
  for (let i = 0; i < 3; i++) check(await api(server.url, 'GET', path));
  const ms: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    await api(server.url, 'GET', path);
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  const result = {
    read: label,
    p50_ms: +percentile(ms, 0.5).toFixed(1),
    p99_ms: +percentile(ms, 0.99).toFixed(1),
  };
  console.log(JSON.stringify(result));
  return result;
}

try {
  const results = [
    await time(
      '1-day graph of one metric for a 20-host role',
      `/api/v0/services/bench/roles/web/metrics?name=loadavg5&from=${now - 86400}&to=${now}`,
      (b) => {
        const series = Object.values(b.metrics as Record<string, unknown[]>);
        if (series.length !== HOSTS || series.some((s) => s.length < 1400))
          throw new Error('role read is missing points');
      },
    ),
    await time(
      '30-day graph of one host',
      `/api/v0/hosts/${ids[0]}/metrics?name=loadavg5&from=${start}&to=${now}`,
      (b) => {
        if ((b.metrics as unknown[]).length < 700) throw new Error('30-day read is missing points');
      },
    ),
  ];
  saveResult('reads', {
    points: HOSTS * DAYS * 1440 * NAMES.length,
    seedSeconds,
    restartMs: Math.round(restartMs),
    results,
  });
  console.log(`restart on the seeded data dir (until the first answer): ${Math.round(restartMs)} ms`);
} finally {
  await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
