/**
 * CPU milliseconds per agent post inside the ingest handler (what a Lambda invocation spends),
 * with the DynamoDB metric store (dynalite runs in another process, so its work is not counted)
 * and with the DuckDB store of local mode. Also counts the DynamoDB requests and write units the
 * handler makes per post, for the cost model.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureTableAt } from '#shared/adapters/dynamodb/ensure-table.ts';
import { MemoryNotificationQueue } from '#shared/adapters/memory/notification-queue.ts';
import { composeAwsDeps } from '#shared/composition/aws.ts';
import { composeLocalDeps } from '#shared/composition/local.ts';
import { createIngestHandler } from '#shared/handlers/ingest.ts';
import type { ApiEvent } from '#shared/http/event.ts';
import { createLogger } from '#shared/logging.ts';
import type { Deps } from '#shared/ports/deps.ts';
import { createApiKey, createOrg } from '#shared/use-cases/admin.ts';
import { registerHost } from '#shared/use-cases/hosts/register-host.ts';
import { freePort, percentile, saveResult, startDynalite, stopProcess, waitForHttp } from './support.ts';

/** The organization's read-write key (registered in beforeAll). */
const TEST_KEY = 'test-key-with-write-permission';

const POSTS = Number(process.env.BENCH_POSTS ?? 2000);
const HOSTS = 50;
const NAMES = Array.from({ length: 30 }, (_, i) => `metric.group${i % 6}.name${i}`);

function event(hostId: string, time: number): ApiEvent {
  const body = JSON.stringify(
    NAMES.map((name, j) => ({ hostId, name, time, value: Math.random() * 100 + j })),
  );
  return {
    rawPath: '/api/v0/tsdb',
    rawQueryString: '',
    headers: { 'x-api-key': TEST_KEY },
    body,
    isBase64Encoded: false,
    requestContext: {
      http: { method: 'POST' },
    },
  } as unknown as ApiEvent;
}

async function measure(label: string, deps: Deps, concurrency = 1, posts = POSTS) {
  await createOrg(deps, 'bench');
  await createApiKey(deps, 'bench', 'write', 'test', TEST_KEY);
  const hosts: string[] = [];
  for (let i = 0; i < HOSTS; i++)
    hosts.push((await registerHost(deps, 'bench', { name: `h${i}`, meta: {} })).id);
  const handler = createIngestHandler(deps, {
    logger: createLogger({ level: 'warn', format: 'text' }),
    monitorCacheMs: 30_000,
    ownersCacheMs: 60_000,
  });
  const start = Math.floor(Date.now() / 1000) - 6 * 3600;
  const post = async (n: number) => {
    const res = await handler(
      event(hosts[n % HOSTS] as string, start + Math.floor(n / HOSTS) * 60),
      {} as never,
    );
    if (res.statusCode !== 200) throw new Error(res.body);
  };
  for (let n = 0; n < 200; n++) await post(n); // warm-up: JIT, host cache, connections
  const walls: number[] = [];
  let next = 200;
  const worker = async () => {
    for (let n = next++; n < 200 + posts; n = next++) {
      const t0 = performance.now();
      await post(n);
      walls.push(performance.now() - t0);
    }
  };
  const cpu0 = process.cpuUsage();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const cpu = process.cpuUsage(cpu0);
  walls.sort((a, b) => a - b);
  const result = {
    store: label,
    posts,
    concurrency,
    cpu_ms_per_post: +((cpu.user + cpu.system) / 1000 / posts).toFixed(3),
    wall_p50_ms: +percentile(walls, 0.5).toFixed(2),
    wall_p99_ms: +percentile(walls, 0.99).toFixed(2),
  };
  console.log(JSON.stringify(result));
  return result;
}

async function dynamo() {
  const { endpoint, stop } = await startDynalite(['entities', 'metrics']);
  try {
    const deps = composeAwsDeps(
      { tableName: 'entities', dynamoEndpoint: endpoint },
      { kind: 'dynamodb', tableName: 'metrics', retentionDays: 460 },
      new MemoryNotificationQueue(),
      { allowPrivateTargets: false },
    );
    return await measure('dynamodb (dynalite in another process)', deps);
  } finally {
    await stop();
  }
}

/** Enough concurrent posts for DuckDB to take the log several times (a flush a second or 100,000 points). */
const CONCURRENT_POSTS = Number(process.env.BENCH_CONCURRENT_POSTS ?? 30_000);

async function duckdb(concurrency: number) {
  const dir = mkdtempSync(join(tmpdir(), 'saba-cpu-'));
  const port = await freePort();
  const proc = spawn(
    process.execPath,
    ['-e', `require('dynalite')({createTableMs:0}).listen(${port}, '127.0.0.1')`],
    { stdio: 'ignore' },
  );
  try {
    const endpoint = `http://127.0.0.1:${port}`;
    await waitForHttp(endpoint);
    await ensureTableAt(endpoint, 'saba');
    const deps = await composeLocalDeps(dir, { endpoint }, { allowPrivateTargets: false });
    const result =
      concurrency === 1
        ? await measure('duckdb (local mode, sequential posts: one commit each)', deps)
        : await measure(
            `duckdb (local mode, ${concurrency} concurrent posts: group commits)`,
            deps,
            concurrency,
            CONCURRENT_POSTS,
          );
    await deps.metrics.close();
    return result;
  } finally {
    await stopProcess(proc);
    rmSync(dir, { recursive: true, force: true });
  }
}

const results = [await dynamo(), await duckdb(1), await duckdb(32)];
saveResult('ingest-cpu', results);
