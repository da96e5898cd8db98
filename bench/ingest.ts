/**
 * Sustained agent posts against the local server (`npm start` in its own process), side by side
 * with InfluxDB 1.6 and VictoriaMetrics 1.79 (Debian: influxdb, victoria-metrics; installed when missing),
 * all driven by ../shared/tools/agent-loadgen.mjs (30-point posts). For each target it steps the
 * load generator's concurrency and reports the highest posts/s whose p99 stays under 100 ms.
 */
import { execFile } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { startInflux, startVictoria } from './peers-servers.ts';
import { registerHosts, sabaLoadArgs, saveResult, startSaba } from './support.ts';

const run = promisify(execFile);
const LOADGEN = resolve('../shared/tools/agent-loadgen.mjs');
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const HOSTS = Number(process.env.BENCH_HOSTS ?? 2000);
const LEVELS = (process.env.BENCH_LEVELS ?? '8,16,32,64,128,256').split(',').map(Number);

interface LoadResult {
  kind: string;
  posts_per_s: number;
  points_per_s: number;
  ok: number;
  bad: number;
  p50_ms: string;
  p99_ms: string;
}

async function load(args: string[], conc: number): Promise<LoadResult> {
  const { stdout } = await run(
    process.execPath,
    [LOADGEN, ...args, '--conc', String(conc), '--seconds', String(SECONDS)],
    {
      maxBuffer: 1 << 20,
    },
  );
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}');
}

/** Steps concurrency up; the best rate with p99 < 100 ms and no failed posts "holds". */
async function sweep(label: string, args: string[]) {
  const runs: (LoadResult & { conc: number })[] = [];
  for (const conc of LEVELS) {
    const r = { ...(await load(args, conc)), conc };
    runs.push(r);
    console.log(
      `${label} conc=${conc}: ${r.posts_per_s} posts/s, p50 ${r.p50_ms} ms, p99 ${r.p99_ms} ms, failed ${r.bad}`,
    );
  }
  const holding = runs.filter((r) => Number(r.p99_ms) < 100 && r.bad === 0);
  const best = holding.sort((a, b) => b.posts_per_s - a.posts_per_s)[0];
  return {
    label,
    runs,
    holds: best ? { posts_per_s: best.posts_per_s, conc: best.conc, p99_ms: best.p99_ms } : null,
  };
}

async function saba() {
  const server = await startSaba();
  try {
    const ids = await registerHosts(server.url, HOSTS);
    const file = join(server.dataDir, 'host-ids.json');
    writeFileSync(file, JSON.stringify(ids));
    return await sweep('saba', sabaLoadArgs(server.url, { hostIds: file }));
  } finally {
    await server.stop();
    rmSync(server.dataDir, { recursive: true, force: true });
  }
}

async function influx() {
  const server = await startInflux();
  try {
    return await sweep('influxdb', [
      '--kind',
      'influx',
      '--url',
      `${server.url}/write?db=mon&precision=s`,
      '--hosts',
      String(HOSTS),
    ]);
  } finally {
    await server.stop();
  }
}

async function victoria() {
  const server = await startVictoria();
  try {
    return await sweep('victoria-metrics', [
      '--kind',
      'influx',
      '--url',
      `${server.url}/write?precision=s`,
      '--hosts',
      String(HOSTS),
    ]);
  } finally {
    await server.stop();
  }
}

if (!existsSync(LOADGEN))
  throw new Error(`load generator not found at ${LOADGEN} (../shared/tools beside the project)`);
const only = process.env.BENCH_TARGETS?.split(',');
const wanted = (name: string) => !only || only.includes(name);
const targets = [];
if (wanted('saba')) targets.push(await saba());
if (wanted('influxdb')) targets.push(await influx());
if (wanted('victoria-metrics')) targets.push(await victoria());
const results = { seconds: SECONDS, hosts: HOSTS, targets };
saveResult('ingest', results);
console.log(JSON.stringify(results.targets.map((t) => ({ target: t.label, holds: t.holds }))));
