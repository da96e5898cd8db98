/**
 * `npm run bench:checker` (`BENCH_HOSTS=100000` for the large size): checker runs over 10,000 hosts
 * and 1,000 monitors (10 connectivity, 910 host, 70 service, 10 expression monitors, each expression
 * the average of one role: a quarter of a tenth of the hosts), tables on dynalite in another process.
 * Each run is measured as it runs on AWS: the scheduled run (silent agents, its jobs sent) and then
 * every job as the worker takes it, one at a time, each with its own wall time, CPU, DynamoDB
 * requests (count and billed read units) and evaluations; per monitor type the totals and the
 * longest job, and the Lambda time that CPU implies at the functions' 1,024 MB (0.58 of a vCPU).
 * Runs: 1 % of hosts silent (alerts open); nothing changed; nothing changed with role() read from
 * each member host's series instead of the role series (the alternative, for the cost model). The
 * seeding's role series writes (what ingest pays for them) are counted too. Results go to
 * bench-results/checker-<hosts>.json, which `npm run bench:cost` reads.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '#shared/adapters/dynamodb/client.ts';
import { dynamoEntityStore } from '#shared/adapters/dynamodb/entity-store.ts';
import { roleSeriesPartition } from '#shared/adapters/dynamodb/metric-keys.ts';
import { DynamoMetricStore } from '#shared/adapters/dynamodb/metric-store.ts';
import { targetPolicy } from '#shared/adapters/http/target-policy.ts';
import { MemoryNotificationQueue } from '#shared/adapters/memory/notification-queue.ts';
import type { Host } from '#shared/domain/host.ts';
import { newId } from '#shared/domain/ids.ts';
import type { CheckerJob } from '#shared/domain/monitoring/checker-jobs.ts';
import type { Monitor } from '#shared/domain/monitoring/monitor.ts';
import type { CheckerJobQueue } from '#shared/ports/checker-jobs.ts';
import type { Deps } from '#shared/ports/deps.ts';
import type { MetricStore } from '#shared/ports/metric-store.ts';
import type { RoleSeries } from '#shared/ports/role-series.ts';
import { saveHost } from '#shared/use-cases/hosts/save-host.ts';
import { runChecker } from '#shared/use-cases/monitoring/checker.ts';
import { runCheckerJob } from '#shared/use-cases/monitoring/checker-job.ts';
import { MonitorDirectory } from '#shared/use-cases/monitoring/monitor-directory.ts';
import { recordRoleSeries } from '#shared/use-cases/monitoring/role-series.ts';
import { saveResult, startDynalite } from './support.ts';

const HOSTS = Number(process.env.BENCH_HOSTS ?? 10_000);
const MONITORS = 1_000;
/** Expression monitors, each the average of one role (HOSTS / 40 hosts). */
const EXPRESSIONS = 10;
const ORG = 'bench';
const T0 = 1_800_000_000;

interface Tally {
  requests: number;
  items: number;
  bytes: number;
  /** Eventually consistent read units: 0.5 per 4 KB read (per item for batch gets). */
  readUnits: number;
}

/** Counts every request of the document client, with what it read. */
function countRequests(doc: ReturnType<typeof createDocumentClient>) {
  const byCommand = new Map<string, Tally>();
  doc.middlewareStack.add(
    (next, context) => async (args) => {
      const out = await next(args);
      const name = context.commandName ?? 'unknown';
      const t = byCommand.get(name) ?? { requests: 0, items: 0, bytes: 0, readUnits: 0 };
      const o = out.output as { Items?: unknown[]; Item?: unknown; Responses?: Record<string, unknown[]> };
      const items = o.Items ?? (o.Item ? [o.Item] : Object.values(o.Responses ?? {}).flat());
      const sizes = items.map((i) => JSON.stringify(i).length);
      const bytes = sizes.reduce((s, b) => s + b, 0);
      t.requests++;
      t.items += items.length;
      t.bytes += bytes;
      t.readUnits +=
        context.commandName === 'BatchGetCommand'
          ? sizes.reduce((s, b) => s + 0.5 * Math.ceil(b / 4096), 0)
          : 0.5 * Math.max(1, Math.ceil(bytes / 4096));
      byCommand.set(name, t);
      return out;
    },
    { step: 'initialize', name: 'benchCounter' },
  );
  return byCommand;
}

/** A host as the agent registers it: about 3 KB of meta. */
function host(i: number): Host {
  const service = `svc${i % 10}`;
  return {
    orgId: ORG,
    id: newId(),
    name: `host-${i}.example.internal`,
    memo: '',
    status: i % 20 === 0 ? 'standby' : 'working',
    size: 'standard',
    isRetired: false,
    createdAt: T0 - 86400,
    // 40 roles of HOSTS / 40 hosts each: role r of service s holds the hosts with i % 10 = s and ⌊i / 10⌋ % 4 = r.
    roles: { [service]: [`role${Math.floor(i / 10) % 4}`] },
    meta: {
      'agent-version': '0.85.0',
      cpu: Array.from({ length: 4 }, () => ({ model_name: 'Xeon'.padEnd(600, '.') })),
      kernel: { name: 'Linux' },
    },
    interfaces: [{ name: 'eth0', ipv4Addresses: ['10.0.0.1'] }],
    checks: [],
    version: 1,
  };
}

function monitors(): Monitor[] {
  const out: Monitor[] = [];
  for (let i = 0; i < 10; i++)
    out.push({ type: 'connectivity', id: newId(), name: `conn ${i}`, scopes: [`svc${i}`] });
  for (let i = 0; i < MONITORS - 10 - 70 - EXPRESSIONS; i++)
    out.push({
      type: 'host',
      id: newId(),
      name: `load ${i}`,
      metric: 'loadavg5',
      operator: '>',
      warning: null,
      critical: 10,
      duration: 3,
    });
  for (let i = 0; i < 70; i++)
    out.push({
      type: 'service',
      id: newId(),
      name: `svc ${i}`,
      service: `svc${i % 10}`,
      metric: `app.m${i}`,
      operator: '>',
      warning: null,
      critical: 1,
      duration: 1,
      missingDurationCritical: 30,
    });
  for (let i = 0; i < EXPRESSIONS; i++)
    out.push({
      type: 'expression',
      id: newId(),
      name: `expr ${i}`,
      expression: `avg(role("svc${i % 10}:role0", "loadavg5"))`,
      operator: '>',
      warning: null,
      critical: 100,
    });
  return out;
}

/** The store with other role series (or none: every role read from its member hosts' series). */
const storeWith = (store: DynamoMetricStore, roleSeries: RoleSeries | undefined): MetricStore =>
  new Proxy(store, {
    get(target, prop) {
      if (prop === 'roleSeries') return roleSeries;
      const v = Reflect.get(target, prop, target);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });

/** Lambda gives a function CPU in proportion to its memory: 1,769 MB is one vCPU. */
const MEMORY_MB = 1024;
const VCPU = MEMORY_MB / 1769;
const TIMEOUT_MS = 55_000;

interface Part {
  wall_ms: number;
  cpu_ms: number;
  /** The Lambda time the CPU implies at MEMORY_MB (waits on DynamoDB not included). */
  implied_lambda_ms: number;
  requests: number;
  readUnits: number;
}

/** Runs `work`, measuring its time, CPU and the DynamoDB requests it makes. */
async function measured<T>(counts: Map<string, Tally>, work: () => Promise<T>): Promise<[T, Part]> {
  counts.clear();
  const started = performance.now();
  const cpu0 = process.cpuUsage();
  const out = await work();
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const tallies = [...counts.values()];
  return [
    out,
    {
      wall_ms: Math.round(performance.now() - started),
      cpu_ms: Math.round(cpuMs),
      implied_lambda_ms: Math.round(cpuMs / VCPU),
      requests: tallies.reduce((n, t) => n + t.requests, 0),
      readUnits: +tallies.reduce((n, t) => n + t.readUnits, 0).toFixed(1),
    },
  ];
}

const add = (a: Part | undefined, b: Part): Part =>
  a
    ? {
        wall_ms: a.wall_ms + b.wall_ms,
        cpu_ms: a.cpu_ms + b.cpu_ms,
        implied_lambda_ms: a.implied_lambda_ms + b.implied_lambda_ms,
        requests: a.requests + b.requests,
        readUnits: +(a.readUnits + b.readUnits).toFixed(1),
      }
    : b;

async function main() {
  const { endpoint, stop } = await startDynalite(['entities', 'metrics']);
  try {
    const doc = createDocumentClient({ endpoint });
    const now = T0;
    const clock = { now: () => now * 1000 };
    const store = new DynamoMetricStore(doc, 'metrics', clock, 460);
    const deps: Deps = {
      entities: dynamoEntityStore(doc, 'entities'),
      metrics: store,
      notifications: new MemoryNotificationQueue(),
      targets: targetPolicy({ allowPrivate: false }),
      clock,
      newId,
    };
    await deps.entities.orgs.create({
      id: ORG,
      name: ORG,
      displayName: null,
      defaultHostStatus: 'working',
      createdAt: T0,
    });
    for (const m of monitors()) await deps.entities.monitors.put(ORG, m);
    const counts = countRequests(doc);
    console.log(`seeding ${HOSTS} hosts (with role index and summaries) and their last posts…`);
    const hosts = Array.from({ length: HOSTS }, (_, i) => host(i));
    const directory = new MonitorDirectory(3_600_000);
    // The role series writes the seeding makes, as the ingest function would: one per watched host.
    let roleSeriesWrites = 0;
    const roleSeries = store.roleSeries;
    const counted: RoleSeries = {
      read: (...args) => roleSeries.read(...args),
      record: (org, id, roles) => {
        roleSeriesWrites += roles.reduce(
          (n, r) => n + new Set(r.points.map((p) => Math.floor(p.time / 60))).size,
          0,
        );
        return roleSeries.record(org, id, roles);
      },
    };
    const ingestDeps = { ...deps, metrics: storeWith(store, counted) };
    for (let i = 0; i < hosts.length; i += 64)
      await Promise.all(
        hosts.slice(i, i + 64).map(async (h, j) => {
          await saveHost(deps, undefined, h);
          // 1 % of the hosts stopped posting 10 minutes ago; the rest posted a minute ago.
          const at = (i + j) % 100 === 0 ? T0 - 600 : T0 - 60;
          const points = [{ name: 'loadavg5', time: at, value: 1 }];
          await deps.metrics.write(ORG, { kind: 'host', id: h.id }, points, at);
          // As the ingest function does once the points are stored.
          await recordRoleSeries(ingestDeps, directory, ORG, h.id, points);
        }),
      );
    // An item's size decides its write units (1 per KB): read one back.
    const sample = await doc.send(
      new QueryCommand({
        TableName: 'metrics',
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': roleSeriesPartition(ORG, 'svc0:role0', T0 - 60) },
        Limit: 1,
      }),
    );
    const itemBytes = JSON.stringify(sample.Items?.[0] ?? {}).length;
    const roleSeriesUnits = roleSeriesWrites * Math.max(1, Math.ceil(itemBytes / 1024));

    const settings = {
      connectivityTimeoutSeconds: 150,
      http: { request: () => Promise.reject(new Error('no external monitors here')) },
    };
    const memberReads = storeWith(store, undefined);
    const runs = [];
    const labels = [
      'first run: 1 % of hosts silent, alerts open',
      'second run: nothing changed',
      'second run again, role() read from each member host’s series (no role series)',
    ];
    for (const label of labels) {
      const runDeps = label === labels[2] ? { ...deps, metrics: memberReads } : deps;
      const sent: CheckerJob[] = [];
      const queue: CheckerJobQueue = {
        async sendAll(jobs) {
          sent.push(...jobs);
        },
      };
      const [stats, scheduled] = await measured(counts, () =>
        runChecker(runDeps, settings, (msg, err) => console.error(msg, err), queue),
      );
      const byType: Record<
        string,
        { jobs: number; evaluations: number; skipped: number; failures: number; total: Part; longest: Part }
      > = {};
      for (const job of sent) {
        let failed = false;
        const [result, part] = await measured(counts, () =>
          runCheckerJob(runDeps, job, settings.http).catch((err) => {
            failed = true;
            console.error(`job ${job.type} failed`, err);
            return undefined;
          }),
        );
        const t = byType[job.type] ?? {
          jobs: 0,
          evaluations: 0,
          skipped: 0,
          failures: 0,
          total: part,
          longest: part,
        };
        if (t.jobs > 0) t.total = add(t.total, part);
        if (part.implied_lambda_ms > t.longest.implied_lambda_ms) t.longest = part;
        t.jobs++;
        t.evaluations += result?.evaluations ?? 0;
        t.skipped += result?.skipped.length ?? 0;
        if (failed) t.failures++;
        byType[job.type] = t;
      }
      const types = Object.values(byType);
      const longest = Math.max(scheduled.implied_lambda_ms, ...types.map((t) => t.longest.implied_lambda_ms));
      const run = {
        label,
        scheduled: { ...scheduled, evaluations: stats.evaluations, jobsSent: stats.jobs },
        byType,
        total: {
          requests: scheduled.requests + types.reduce((n, t) => n + t.total.requests, 0),
          readUnits: +(scheduled.readUnits + types.reduce((n, t) => n + t.total.readUnits, 0)).toFixed(1),
          cpu_ms: scheduled.cpu_ms + types.reduce((n, t) => n + t.total.cpu_ms, 0),
          implied_lambda_ms:
            scheduled.implied_lambda_ms + types.reduce((n, t) => n + t.total.implied_lambda_ms, 0),
          evaluations: stats.evaluations + types.reduce((n, t) => n + t.evaluations, 0),
          skipped: stats.skipped + types.reduce((n, t) => n + t.skipped, 0),
          failures: stats.failures + types.reduce((n, t) => n + t.failures, 0),
        },
        longestImpliedLambdaMs: longest,
        longestShareOfTimeout: +(longest / TIMEOUT_MS).toFixed(3),
      };
      runs.push(run);
      console.log(JSON.stringify(run));
    }
    const alerts = (await deps.entities.alertStates.list(ORG)).length;
    const result = {
      hosts: HOSTS,
      monitors: MONITORS,
      memoryMb: MEMORY_MB,
      timeoutMs: TIMEOUT_MS,
      openAlertStates: alerts,
      // What ingest pays for the role series: one small write per watched host and minute.
      ingest: {
        roleSeriesWritesPerMinute: roleSeriesWrites,
        roleSeriesItemBytes: itemBytes,
        roleSeriesWriteUnitsPerMinute: roleSeriesUnits,
      },
      runs,
    };
    saveResult(`checker-${HOSTS}`, result);
  } finally {
    await stop();
  }
}

await main();
