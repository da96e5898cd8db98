/**
 * Lambda bundle sizes (esbuild with the options infra/constructs/saba-function.ts gives
 * NodejsFunction) and the cold import time of each bundled handler in a fresh Node 24 process
 * (median of 9 runs, module evaluation included, no network).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { saveResult } from './support.ts';

const run = promisify(execFile);
const FUNCTIONS = ['ingest', 'api', 'compaction-worker'];
const ENV = {
  SABA_TABLE_NAME: 'entities',
  SABA_METRIC_STORE: 'dynamodb',
  SABA_METRICS_TABLE_NAME: 'metrics',
  // Every function that raises alerts needs its queue (a cold start without it fails, as it should).
  SABA_NOTIFICATION_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/notifications',
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'x',
  AWS_SECRET_ACCESS_KEY: 'x',
};

const dir = mkdtempSync(join(tmpdir(), 'saba-bundle-'));
const results = [];
for (const fn of FUNCTIONS) {
  const outfile = join(dir, fn, 'index.mjs');
  await build({
    entryPoints: [`functions/${fn}.ts`],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    minify: true,
    mainFields: ['module', 'main'],
    banner: {
      js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
    },
    logLevel: 'error',
  });
  const script = `const t=performance.now();await import(${JSON.stringify(outfile)});console.log(performance.now()-t)`;
  const times: number[] = [];
  for (let i = 0; i < 9; i++) {
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
      env: { ...process.env, ...ENV },
    });
    times.push(Number(stdout.trim()));
  }
  times.sort((a, b) => a - b);
  const result = {
    function: fn,
    bytes: statSync(outfile).size,
    gzip_bytes: gzipSync(readFileSync(outfile)).length,
    cold_import_ms_median: +(times[4] ?? 0).toFixed(1),
  };
  console.log(JSON.stringify(result));
  results.push(result);
}
rmSync(dir, { recursive: true, force: true });
saveResult('bundle', results);
