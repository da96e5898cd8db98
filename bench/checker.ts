/**
 * `npm run bench:checker`: one checker run over 10,000 hosts and 1,000 monitors, with the entity and
 * metric tables on dynalite in another process. Reports the run's time and every DynamoDB request it
 * made (count, items, bytes, and the read units DynamoDB would bill for them), then extrapolates the
 * reads to 100,000 hosts. Two runs: all hosts healthy, then 1 % silent (alerts open).
 */
import { createDocumentClient } from '#shared/adapters/dynamodb/client.ts';
import { dynamoEntityStore } from '#shared/adapters/dynamodb/entity-store.ts';
import { DynamoMetricStore } from '#shared/adapters/dynamodb/metric-store.ts';
import { targetPolicy } from '#shared/adapters/http/target-policy.ts';
import { MemoryNotificationQueue } from '#shared/adapters/memory/notification-queue.ts';
import type { Host } from '#shared/domain/host.ts';
import { newId } from '#shared/domain/ids.ts';
import type { Monitor } from '#shared/domain/monitoring/monitor.ts';
import type { Deps } from '#shared/ports/deps.ts';
import { saveHost } from '#shared/use-cases/hosts/save-host.ts';
import { runChecker } from '#shared/use-cases/monitoring/checker.ts';
import { saveResult, startDynalite } from './support.ts';

const HOSTS = Number(process.env.BENCH_HOSTS ?? 10_000);
const MONITORS = 1_000;
/** Expression monitors, each the average of a 250-host role. */
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
    roles: { [service]: [`role${i % 4}`] },
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

async function main() {
  const { endpoint, stop } = await startDynalite(['entities', 'metrics']);
  try {
    const doc = createDocumentClient({ endpoint });
    const now = T0;
    const clock = { now: () => now * 1000 };
    const deps: Deps = {
      entities: dynamoEntityStore(doc, 'entities'),
      metrics: new DynamoMetricStore(doc, 'metrics', clock, 460),
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
    console.log(`seeding ${HOSTS} hosts (with role index and summaries) and their last posts…`);
    const hosts = Array.from({ length: HOSTS }, (_, i) => host(i));
    for (let i = 0; i < hosts.length; i += 64)
      await Promise.all(
        hosts.slice(i, i + 64).map(async (h, j) => {
          await saveHost(deps, undefined, h);
          // 1 % of the hosts stopped posting 10 minutes ago; the rest posted a minute ago.
          const at = (i + j) % 100 === 0 ? T0 - 600 : T0 - 60;
          await deps.metrics.write(
            ORG,
            { kind: 'host', id: h.id },
            [{ name: 'loadavg5', time: at, value: 1 }],
            at,
          );
        }),
      );
    for (const m of monitors()) await deps.entities.monitors.put(ORG, m);

    const counts = countRequests(doc);
    const settings = {
      connectivityTimeoutSeconds: 150,
      http: { request: () => Promise.reject(new Error('no external monitors here')) },
    };
    const runs = [];
    const labels = [
      'first run: 1 % of hosts silent, alerts open',
      'second run: nothing changed',
      'third run: without the expression monitors',
    ];
    for (const label of labels) {
      if (label === labels[2])
        for (const m of await deps.entities.monitors.list(ORG))
          if (m.type === 'expression') await deps.entities.monitors.delete(ORG, m.id);
      counts.clear();
      const started = performance.now();
      const cpu0 = process.cpuUsage();
      const stats = await runChecker(deps, settings, (msg, err) => console.error(msg, err));
      const cpu = process.cpuUsage(cpu0);
      const ms = performance.now() - started;
      const requests = Object.fromEntries(
        [...counts].map(([k, v]) => [k, { ...v, readUnits: +v.readUnits.toFixed(1) }]),
      );
      const total = [...counts.values()].reduce(
        (s, t) => ({
          requests: s.requests + t.requests,
          readUnits: s.readUnits + t.readUnits,
          bytes: s.bytes + t.bytes,
        }),
        { requests: 0, readUnits: 0, bytes: 0 },
      );
      runs.push({
        label,
        wall_ms: Math.round(ms),
        cpu_ms: Math.round((cpu.user + cpu.system) / 1000),
        stats,
        requests,
        total,
      });
      console.log(JSON.stringify(runs.at(-1)));
    }
    const alerts = (await deps.entities.alertStates.list(ORG)).length;
    const zero = { requests: 0, readUnits: 0, bytes: 0 };
    const steady = runs[1]?.total ?? zero;
    const base = runs[2]?.total ?? zero;
    const expressions = EXPRESSIONS;
    const scale = 100_000 / HOSTS;
    const monthly = (units: number) => ({
      rru: Math.round(units * 43_200),
      usd: +((units * 43_200 * 0.25) / 1e6).toFixed(2),
    });
    // Without expressions, reads grow with hosts (summaries, pulses): scaled ×10. An expression over
    // a role reads one series per member host, so it grows with the role, not the fleet.
    const extrapolation = {
      hosts: 100_000,
      baseReadUnitsPerRun: Math.round(base.readUnits * scale),
      baseRequestsPerRun: Math.round(base.requests * scale),
      baseMonthly: monthly(base.readUnits * scale),
      perExpressionOver250HostRole: {
        requestsPerRun: Math.round((steady.requests - base.requests) / expressions),
        readUnitsPerRun: +((steady.readUnits - base.readUnits) / expressions).toFixed(1),
        monthly: monthly((steady.readUnits - base.readUnits) / expressions),
      },
    };
    const result = { hosts: HOSTS, monitors: MONITORS, openAlertStates: alerts, runs, extrapolation };
    console.log(JSON.stringify(extrapolation));
    saveResult('checker', result);
  } finally {
    await stop();
  }
}

await main();
