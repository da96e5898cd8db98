import { execFile } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const LOADGEN = resolve(
  fileURLToPath(new URL('../../', import.meta.url)),
  '../shared/tools/agent-loadgen.mjs',
);

export interface AgentLoadResult {
  ok: number;
  bad: number;
  posts_per_s: number;
  p99_ms: string;
}

/**
 * The agent-like load (../shared/tools/agent-loadgen.mjs: each post one host's minute of 30 points,
 * as mackerel-agent sends it) against one target's `/api/v0/tsdb`, for the given registered hosts.
 */
export function runAgentLoad(options: {
  url: string;
  key: string;
  hostIds: string[];
  seconds: number;
  concurrency: number;
}): Promise<AgentLoadResult> {
  const hostsFile = join(tmpdir(), `saba-load-hosts-${process.pid}-${Date.now()}.json`);
  writeFileSync(hostsFile, JSON.stringify(options.hostIds));
  return new Promise((done, fail) =>
    execFile(
      process.execPath,
      [
        LOADGEN,
        '--kind',
        'saba',
        '--url',
        `${options.url}/api/v0/tsdb`,
        '--key',
        options.key,
        '--hostIds',
        hostsFile,
        '--conc',
        String(options.concurrency),
        '--seconds',
        String(options.seconds),
      ],
      (err, stdout, stderr) => {
        rmSync(hostsFile, { force: true });
        if (err) return fail(new Error(`agent-loadgen failed: ${stderr}`));
        done(JSON.parse(stdout.trim().split('\n').at(-1) as string) as AgentLoadResult);
      },
    ),
  );
}
