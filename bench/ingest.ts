/**
 * Sustained agent posts against the local server (`npm start` in its own process), side by side
 * with InfluxDB 1.6 and VictoriaMetrics 1.79 when installed (Debian: influxdb, victoria-metrics),
 * all driven by ../shared/tools/agent-loadgen.mjs (30-point posts). For each target it steps the
 * load generator's concurrency and reports the highest posts/s whose p99 stays under 100 ms.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import {
  BENCH_KEY,
  freePort,
  registerHosts,
  saveResult,
  startSaba,
  stopProcess,
  waitForHttp,
} from './support.ts';

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
    return await sweep('saba', [
      '--kind',
      'saba',
      '--url',
      `${server.url}/api/v0/tsdb`,
      '--key',
      BENCH_KEY,
      '--hostIds',
      file,
    ]);
  } finally {
    await server.stop();
    rmSync(server.dataDir, { recursive: true, force: true });
  }
}

async function influx() {
  if (!existsSync('/usr/bin/influxd')) return { label: 'influxdb', skipped: 'apt-get install influxdb' };
  const dir = mkdtempSync(join(tmpdir(), 'influx-'));
  const port = await freePort();
  const conf = join(dir, 'influxdb.conf');
  writeFileSync(
    conf,
    `reporting-disabled = true\nbind-address = "127.0.0.1:${await freePort()}"\n[meta]\ndir = "${dir}/meta"\n[data]\ndir = "${dir}/data"\nwal-dir = "${dir}/wal"\nquery-log-enabled = false\n[http]\nbind-address = "127.0.0.1:${port}"\nlog-enabled = false\n[monitor]\nstore-enabled = false\n`,
  );
  const proc = spawn('/usr/bin/influxd', ['-config', conf], { stdio: 'ignore' });
  try {
    await waitForHttp(`http://127.0.0.1:${port}/ping`);
    await fetch(`http://127.0.0.1:${port}/query?q=${encodeURIComponent('CREATE DATABASE mon')}`, {
      method: 'POST',
    });
    return await sweep('influxdb', [
      '--kind',
      'influx',
      '--url',
      `http://127.0.0.1:${port}/write?db=mon&precision=s`,
      '--hosts',
      String(HOSTS),
    ]);
  } finally {
    await stopProcess(proc);
    rmSync(dir, { recursive: true, force: true });
  }
}

async function victoria() {
  const bin = ['/usr/bin/victoria-metrics', '/usr/bin/victoria-metrics-prod'].find(existsSync);
  if (!bin) return { label: 'victoria-metrics', skipped: 'apt-get install victoria-metrics' };
  const dir = mkdtempSync(join(tmpdir(), 'vm-'));
  const port = await freePort();
  const proc = spawn(
    bin,
    [`-storageDataPath=${dir}`, `-httpListenAddr=127.0.0.1:${port}`, '-loggerLevel=ERROR'],
    { stdio: 'ignore' },
  );
  try {
    await waitForHttp(`http://127.0.0.1:${port}/health`);
    return await sweep('victoria-metrics', [
      '--kind',
      'influx',
      '--url',
      `http://127.0.0.1:${port}/write?precision=s`,
      '--hosts',
      String(HOSTS),
    ]);
  } finally {
    await stopProcess(proc);
    rmSync(dir, { recursive: true, force: true });
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
console.log(
  JSON.stringify(
    results.targets.map((t) => ({ target: t.label, holds: 'holds' in t ? t.holds : t.skipped })),
  ),
);
