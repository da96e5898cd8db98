/**
 * The peers saba is measured against, each in its own process on 127.0.0.1 with a throwaway data
 * directory: InfluxDB 1.x and VictoriaMetrics from Debian's packages (`influxdb`,
 * `victoria-metrics`), installed with apt-get when missing (a failed install fails the bench). Also
 * the CPU a process and its children have used, from /proc.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, stopProcess, waitForHttp } from './support.ts';

const TICKS = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim());

/** CPU seconds of a process and all its descendants, from /proc. */
export function cpuSeconds(root: number): number {
  const stats = new Map<number, { ppid: number; ticks: number }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const text = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
      stats.set(Number(entry), { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) });
    } catch {
      // gone meanwhile
    }
  }
  let total = 0;
  const visit = (pid: number) => {
    total += stats.get(pid)?.ticks ?? 0;
    for (const [child, s] of stats) if (s.ppid === pid) visit(child);
  };
  visit(root);
  return total / TICKS;
}

/** The first of `bins` that exists, installing the Debian package first when none does. */
export function installed(pkg: string, bins: string[]): string {
  let bin = bins.find(existsSync);
  if (!bin) {
    console.log(`installing ${pkg} (apt-get) …`);
    const root = process.getuid?.() === 0;
    execFileSync(root ? 'apt-get' : 'sudo', [...(root ? [] : ['-n', 'apt-get']), 'install', '-y', pkg], {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    bin = bins.find(existsSync);
    if (!bin) throw new Error(`${pkg} installed no ${bins.join(' or ')}`);
  }
  return bin;
}

export interface PeerServer {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

function serving(proc: ChildProcess, url: string, dir: string): PeerServer {
  return {
    url,
    pid: proc.pid as number,
    async stop() {
      await stopProcess(proc);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** InfluxDB 1.x with a database `mon`; writes go to `<url>/write?db=mon&precision=s`. */
export async function startInflux(): Promise<PeerServer> {
  const bin = installed('influxdb', ['/usr/bin/influxd']);
  const dir = mkdtempSync(join(tmpdir(), 'influx-'));
  const port = await freePort();
  const conf = join(dir, 'influxdb.conf');
  writeFileSync(
    conf,
    `reporting-disabled = true\nbind-address = "127.0.0.1:${await freePort()}"\n[meta]\ndir = "${dir}/meta"\n[data]\ndir = "${dir}/data"\nwal-dir = "${dir}/wal"\nquery-log-enabled = false\n[http]\nbind-address = "127.0.0.1:${port}"\nlog-enabled = false\n[monitor]\nstore-enabled = false\n`,
  );
  const proc = spawn(bin, ['-config', conf], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(`${url}/ping`);
  await fetch(`${url}/query?q=${encodeURIComponent('CREATE DATABASE mon')}`, { method: 'POST' });
  return serving(proc, url, dir);
}

/**
 * A floor for the same posts, storing nothing: node:http alone (bench/node-floor.ts), or saba's
 * local server and handler chain with the body parsed and validated (bench/handler-floor.ts).
 */
export async function startFloor(
  script: 'bench/node-floor.ts' | 'bench/handler-floor.ts',
): Promise<PeerServer> {
  const dir = mkdtempSync(join(tmpdir(), 'floor-'));
  const port = await freePort();
  const proc = spawn(process.execPath, [script], {
    env: { ...process.env, PORT: String(port) },
    stdio: 'ignore',
  });
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(url);
  return serving(proc, url, dir);
}

/** VictoriaMetrics (single node); Influx line protocol at `<url>/write`, Prometheus at `/api/v1`. */
export async function startVictoria(): Promise<PeerServer> {
  const bin = installed('victoria-metrics', ['/usr/bin/victoria-metrics', '/usr/bin/victoria-metrics-prod']);
  const dir = mkdtempSync(join(tmpdir(), 'vm-'));
  const port = await freePort();
  const proc = spawn(
    bin,
    [
      `-storageDataPath=${dir}`,
      `-httpListenAddr=127.0.0.1:${port}`,
      '-loggerLevel=ERROR',
      '-search.latencyOffset=0s',
    ],
    { stdio: 'ignore' },
  );
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(`${url}/health`);
  return serving(proc, url, dir);
}
