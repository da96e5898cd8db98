import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDbMetricStore } from '#shared/adapters/duckdb/metric-store.ts';
import { ensureTableAt } from '#shared/adapters/dynamodb/ensure-table.ts';
import type { NamedPoint } from '#shared/domain/metrics.ts';
import { freePort } from '../test/support/ports.ts';

export const BENCH_KEY = 'bench-key-0123456789abcdef';
export const RESULTS = 'bench-results';

/**
 * The load generator's arguments for saba's metric posts at `url` with the bench key, to the hosts
 * registered there (`hostIds`: a JSON file of ids) or to `count` made-up ones (a server that stores nothing).
 */
export const sabaLoadArgs = (url: string, hosts: { hostIds: string } | { count: number }): string[] => [
  '--kind',
  'saba',
  '--url',
  `${url}/api/v0/tsdb`,
  '--key',
  BENCH_KEY,
  ...('hostIds' in hosts ? ['--hostIds', hosts.hostIds] : ['--hosts', String(hosts.count)]),
];

export { freePort };

export async function waitForHttp(url: string, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    try {
      await fetch(url);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms`);
}

export interface Spawned {
  url: string;
  proc: ChildProcess;
  dataDir: string;
  stop(): Promise<void>;
}

/** `npm start`'s entry point in its own process (its request log discarded), on a fresh data dir. */
export async function startSaba(
  dataDir = mkdtempSync(join(tmpdir(), 'saba-bench-')),
  env: Record<string, string> = {},
): Promise<Spawned> {
  const port = await freePort();
  const proc = spawn(process.execPath, ['infra/local/main.ts'], {
    env: { ...process.env, ...env, PORT: String(port), SABA_DATA_DIR: dataDir, SABA_API_KEY: BENCH_KEY },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(`${url}/api/v0/org`);
  return { url, proc, dataDir, stop: () => stopProcess(proc) };
}

/** An in-memory dynalite in its own process (so its CPU is not counted as ours), with these tables. */
export async function startDynalite(tables: string[]): Promise<{ endpoint: string; stop(): Promise<void> }> {
  const port = await freePort();
  const proc = spawn(
    process.execPath,
    ['-e', `require('dynalite')({createTableMs:0}).listen(${port}, '127.0.0.1')`],
    {
      stdio: 'ignore',
    },
  );
  const endpoint = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(endpoint);
    for (const t of tables) await ensureTableAt(endpoint, t);
  } catch (err) {
    await stopProcess(proc);
    throw err;
  }
  return { endpoint, stop: () => stopProcess(proc) };
}

export function stopProcess(proc: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (proc.exitCode !== null) return resolve();
    proc.once('exit', () => resolve());
    proc.kill('SIGTERM');
    setTimeout(() => proc.kill('SIGKILL'), 10_000).unref();
  });
}

export async function api(url: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { 'X-Api-Key': BENCH_KEY, 'Content-Type': 'application/json' },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.json() as Promise<Record<string, unknown>>;
}

/** Registers hosts the way the agent does, `parallel` at a time; returns their ids. */
export async function registerHosts(url: string, count: number, roleFullnames: string[] = [], parallel = 16) {
  const ids: string[] = [];
  for (let i = 0; i < count; i += parallel) {
    const batch = Array.from({ length: Math.min(parallel, count - i) }, (_, j) =>
      api(url, 'POST', '/api/v0/hosts', { name: `bench-${i + j}`, meta: {}, roleFullnames }),
    );
    ids.push(...(await Promise.all(batch)).map((r) => r.id as string));
  }
  return ids;
}

export function saveResult(name: string, result: unknown): void {
  mkdirSync(RESULTS, { recursive: true });
  writeFileSync(join(RESULTS, `${name}.json`), `${JSON.stringify(result, null, 2)}\n`);
}

export const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;

/**
 * A data dir holding `hosts` hosts of the role bench:web with `days` days of 1-minute points for
 * each name, seeded straight into the DuckDB store (the server stopped), compacted day by day as
 * the server would have. Start the server on `dataDir` afterwards.
 */
export async function seededRole(hosts: number, days: number, names: string[]) {
  const first = await startSaba();
  const ids = await registerHosts(first.url, hosts, ['bench:web']);
  await first.stop();
  const now = Math.floor(Date.now() / 1000);
  const start = now - days * 86400;
  const started = performance.now();
  const store = await DuckDbMetricStore.open(join(first.dataDir, 'metrics.duckdb'));
  for (let day = 0; day < days; day++) {
    await Promise.all(
      ids.map((id, h) => {
        const points: NamedPoint[] = [];
        for (let m = 0; m < 1440; m++) {
          const time = start + day * 86400 + m * 60;
          for (const [j, name] of names.entries())
            points.push({ name, time, value: Math.sin((time / 3600 + h) / 3) * 10 + j * 100 });
        }
        return store.write('default', { kind: 'host', id }, points, now);
      }),
    );
    await store.compact(Math.min(now, start + (day + 1) * 86400 + 26 * 3600), 460);
  }
  await store.compact(now, 460);
  await store.close();
  return { dataDir: first.dataDir, ids, now, start, seedSeconds: (performance.now() - started) / 1000 };
}
