/**
 * `npm run bench:peers`: saba's local server, InfluxDB and VictoriaMetrics (Debian's `influxdb` and
 * `victoria-metrics`, installed with apt-get when missing) under the same agent-like load
 * (../shared/tools/agent-loadgen.mjs: one host's minute of 30 points a post, concurrency 32, the
 * same hosts), each in its own process. Per round and target: posts/s and the server's CPU per post
 * (its process and children, from /proc, over the round). Three rounds, targets taken in turn within
 * a round, medians (`BENCH_TARGETS=saba` or a comma list picks targets). saba keeps monitoring on
 * ingest on: a host metric monitor over 3 minutes of loadavg5 (a series read per post) and its
 * default connectivity monitor. Two more rows are not peers but floors, storing nothing: node:http
 * itself reading, parsing and answering the same posts (bench/node-floor.ts), and saba's own request
 * path, local server and handler chain with the body validated (bench/handler-floor.ts); saba minus
 * the second is what storage and monitoring cost a post.
 */
import { execFile } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { cpuSeconds, type PeerServer, startFloor, startInflux, startVictoria } from './peers-servers.ts';
import { BENCH_KEY, registerHosts, sabaLoadArgs, saveResult, startSaba } from './support.ts';

const run = promisify(execFile);
const LOADGEN = resolve('../shared/tools/agent-loadgen.mjs');
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const HOSTS = Number(process.env.BENCH_HOSTS ?? 1000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const ROUNDS = 3;

interface Target {
  label: string;
  server: PeerServer;
  args: string[];
  cleanup?: () => void;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

async function saba(): Promise<Target> {
  const s = await startSaba();
  const ids = await registerHosts(s.url, HOSTS);
  const file = join(s.dataDir, 'host-ids.json');
  writeFileSync(file, JSON.stringify(ids));
  const made = await fetch(`${s.url}/api/v0/monitors`, {
    method: 'POST',
    headers: { 'X-Api-Key': BENCH_KEY, 'Content-Type': 'application/json' },
    body: JSON.stringify({
      type: 'host',
      name: 'load',
      metric: 'loadavg5',
      operator: '>',
      warning: null,
      critical: 1e9,
      duration: 3,
    }),
  });
  if (!made.ok) throw new Error(`monitor: ${made.status} ${await made.text()}`);
  return {
    label: 'saba (local, DuckDB)',
    server: { url: s.url, pid: s.proc.pid as number, stop: s.stop },
    args: sabaLoadArgs(s.url, { hostIds: file }),
    cleanup: () => rmSync(s.dataDir, { recursive: true, force: true }),
  };
}

async function influx(): Promise<Target> {
  const server = await startInflux();
  return {
    label: 'InfluxDB (line protocol)',
    server,
    args: ['--kind', 'influx', '--url', `${server.url}/write?db=mon&precision=s`, '--hosts', String(HOSTS)],
  };
}

async function victoria(): Promise<Target> {
  const server = await startVictoria();
  return {
    label: 'VictoriaMetrics (Influx line protocol)',
    server,
    args: ['--kind', 'influx', '--url', `${server.url}/write?precision=s`, '--hosts', String(HOSTS)],
  };
}

/** Not a peer: the floor any server on node:http pays for the same posts (reading, parsing, answering). */
async function nodeFloor(): Promise<Target> {
  return floorTarget(
    await startFloor('bench/node-floor.ts'),
    'node:http floor (parse, answer, store nothing)',
  );
}

/** Not a peer: saba's own request path (local server, handler chain, body validated), storing nothing. */
async function handlerFloor(): Promise<Target> {
  return floorTarget(
    await startFloor('bench/handler-floor.ts'),
    'saba handler floor (same path, store nothing)',
  );
}

function floorTarget(server: PeerServer, label: string): Target {
  return {
    label,
    server,
    args: sabaLoadArgs(server.url, { count: HOSTS }),
  };
}

/** One round on one target: the load generator's posts, and the server's CPU meanwhile. */
async function round(t: Target) {
  const cpu0 = cpuSeconds(t.server.pid);
  const { stdout } = await run(
    process.execPath,
    [LOADGEN, ...t.args, '--conc', String(CONCURRENCY), '--seconds', String(SECONDS)],
    { maxBuffer: 1 << 20 },
  );
  const cpu = cpuSeconds(t.server.pid) - cpu0;
  const load = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as {
    posts_per_s: number;
    ok: number;
    bad: number;
  };
  if (load.bad > 0) throw new Error(`${t.label}: ${load.bad} posts failed`);
  return { posts_per_s: load.posts_per_s, cpu_ms_per_post: +((cpu * 1000) / load.ok).toFixed(3) };
}

if (!existsSync(LOADGEN))
  throw new Error(`load generator not found at ${LOADGEN} (../shared/tools beside the project)`);
const targets: Target[] = [];
try {
  // BENCH_TARGETS=saba,influxdb,victoria-metrics,node-floor,handler-floor picks some (all by default).
  const only = process.env.BENCH_TARGETS?.split(',');
  const starts = {
    saba,
    influxdb: influx,
    'victoria-metrics': victoria,
    'node-floor': nodeFloor,
    'handler-floor': handlerFloor,
  };
  for (const [name, start] of Object.entries(starts))
    if (!only || only.includes(name)) targets.push(await start());
  const rounds = new Map<string, { posts_per_s: number; cpu_ms_per_post: number }[]>();
  for (let r = 1; r <= ROUNDS; r++)
    for (const t of targets) {
      const result = await round(t);
      rounds.set(t.label, [...(rounds.get(t.label) ?? []), result]);
      console.log(
        `round ${r} ${t.label}: ${result.posts_per_s} posts/s, ${result.cpu_ms_per_post} ms CPU a post`,
      );
    }
  const results = targets.map((t) => {
    const rs = rounds.get(t.label) ?? [];
    return {
      target: t.label,
      rounds: rs,
      median: {
        posts_per_s: median(rs.map((x) => x.posts_per_s)),
        cpu_ms_per_post: median(rs.map((x) => x.cpu_ms_per_post)),
      },
    };
  });
  console.log('\n| target | CPU ms / post (3 rounds) | median | posts/s (3 rounds) | median |');
  console.log('| --- | --- | ---: | --- | ---: |');
  for (const r of results)
    console.log(
      `| ${r.target} | ${r.rounds.map((x) => x.cpu_ms_per_post).join(', ')} | ${r.median.cpu_ms_per_post} | ${r.rounds.map((x) => x.posts_per_s).join(', ')} | ${r.median.posts_per_s} |`,
    );
  saveResult('peers', { seconds: SECONDS, hosts: HOSTS, concurrency: CONCURRENCY, results });
} finally {
  for (const t of targets) {
    await t.server.stop();
    t.cleanup?.();
  }
}
