import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDocumentClient } from '#shared/adapters/dynamodb/client.ts';
import { ensureTableAt } from '#shared/adapters/dynamodb/ensure-table.ts';
import { dynamoEntityStore } from '#shared/adapters/dynamodb/entity-store.ts';
import { DynamoMetricStore } from '#shared/adapters/dynamodb/metric-store.ts';
import { targetPolicy } from '#shared/adapters/http/target-policy.ts';
import { MemoryNotificationQueue } from '#shared/adapters/memory/notification-queue.ts';
import { newId } from '#shared/domain/ids.ts';
import type { CheckerJob } from '#shared/domain/monitoring/checker-jobs.ts';
import { createCheckerWorkerHandler } from '#shared/handlers/checker-worker.ts';
import { createLogger, emfFields, type Logger, type MetricsEntry } from '#shared/logging.ts';
import type { CheckerJobQueue } from '#shared/ports/checker-jobs.ts';
import { createOrg } from '#shared/use-cases/admin.ts';
import { listAlerts } from '#shared/use-cases/monitoring/alerts.ts';
import { runChecker } from '#shared/use-cases/monitoring/checker.ts';
import { runCheckerJob } from '#shared/use-cases/monitoring/checker-job.ts';
import { createMonitor } from '#shared/use-cases/monitoring/monitors.ts';
import { addUser } from '#shared/use-cases/users/users.ts';
import { startTestDynamo, type TestDynamo } from '../support/dynalite.ts';
import {
  addHost,
  agentPost,
  check,
  checkerSettings,
  type MonitoringDeps,
  monitoringWorld,
  StepClock,
} from '../support/monitoring.ts';
import { lambdaContext, sqsEventOf } from '../support/sqs.ts';

const T0 = 1_800_000_000;

/** A world whose metrics are in the DynamoDB store (on dynalite), with every metric-table Query's key counted. */
async function dynamoWorld(dynamo: TestDynamo, table: string) {
  const deps = await monitoringWorld(dynamo, T0);
  await ensureTableAt(dynamo.endpoint, table);
  const doc = createDocumentClient({ endpoint: dynamo.endpoint });
  const queried: string[] = [];
  doc.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'QueryCommand')
        queried.push(
          String(
            (args.input as { ExpressionAttributeValues?: { ':pk'?: string } }).ExpressionAttributeValues?.[
              ':pk'
            ],
          ),
        );
      return next(args);
    },
    { step: 'initialize', name: 'queryCounter' },
  );
  const world: MonitoringDeps = { ...deps, metrics: new DynamoMetricStore(doc, table, deps.clock, 460) };
  return { deps: world, queried };
}

/** A world on its own entity and metric tables, every DynamoDB command of it counted by name. */
async function countedWorld(dynamo: TestDynamo, name: string) {
  await ensureTableAt(dynamo.endpoint, `${name}-entities`);
  await ensureTableAt(dynamo.endpoint, `${name}-metrics`);
  const doc = createDocumentClient({ endpoint: dynamo.endpoint });
  const commands: string[] = [];
  doc.middlewareStack.add(
    (next, context) => async (args) => {
      const pk = (args.input as { ExpressionAttributeValues?: Record<string, unknown> })
        .ExpressionAttributeValues?.[':pk'];
      commands.push(`${context.commandName}${pk ? ` ${pk}` : ''}`);
      return next(args);
    },
    { step: 'initialize', name: 'commandCounter' },
  );
  const clock = new StepClock(T0);
  const deps: MonitoringDeps = {
    entities: dynamoEntityStore(doc, `${name}-entities`),
    metrics: new DynamoMetricStore(doc, `${name}-metrics`, clock, 460),
    notifications: new MemoryNotificationQueue(),
    targets: targetPolicy({ allowPrivate: true }),
    clock,
    newId,
  };
  await createOrg(deps, 'acme');
  await addUser(deps, 'acme', 'ops@example.com', 'owner');
  return { deps, commands };
}

const openAlerts = async (deps: MonitoringDeps) =>
  (await listAlerts(deps, 'acme', { withClosed: false, limit: 100 })).items
    .map((a) => [a.type, a.status, a.value ?? null])
    .sort();

describe('the checker’s jobs', () => {
  let dynamo: TestDynamo;
  beforeAll(async () => {
    dynamo = await startTestDynamo();
  });
  afterAll(() => dynamo.stop());

  it('reads a role() expression’s whole role in one Query per minute, whatever the role’s size (role series kept on ingest)', async () => {
    const { deps, queried } = await dynamoWorld(dynamo, 'metrics-roles');
    const m = await createMonitor(deps, 'acme', {
      type: 'expression',
      name: 'web load',
      expression: 'avg(role("shop:web", "loadavg5"))',
      operator: '>',
      warning: 10,
      critical: 20,
    });
    const web = await Promise.all(
      Array.from({ length: 24 }, (_, i) => addHost(deps, `web-${i}`, ['shop:web'])),
    );
    const db = await addHost(deps, 'db-1', ['shop:db']);
    for (const at of [T0, T0 + 60]) {
      deps.clock.at(at);
      for (const [i, id] of web.entries()) await agentPost(deps, id, { loadavg5: i, 'memory.used': 1e9 });
      await agentPost(deps, db, { loadavg5: 99 });
    }
    // Only the watched role and metric are kept twice.
    const roles = deps.metrics.roleSeries;
    expect(roles).toBeDefined();
    expect((await roles?.read('acme', 'shop:web', 'loadavg5', T0, T0 + 60))?.size).toBe(24);
    expect((await roles?.read('acme', 'shop:web', 'memory.used', T0, T0 + 60))?.size).toBe(0);
    expect((await roles?.read('acme', 'shop:db', 'loadavg5', T0, T0 + 60))?.size).toBe(0);

    deps.clock.at(T0 + 90);
    queried.length = 0;
    const stats = await runChecker(deps, checkerSettings(), () => {});
    expect(stats).toMatchObject({
      jobs: 1,
      skipped: 0,
      failures: 0,
      byType: { expression: { evaluations: 1 } },
    });
    // The average of 0…23 over the last 2 minutes: 11.5, a warning.
    expect(await openAlerts(deps)).toEqual([['expression', 'WARNING', 11.5]]);
    const roleReads = queried.filter((pk) => pk.startsWith('R#'));
    expect(roleReads).toHaveLength(3); // the minutes T0 − 60 … T0 + 60 (from now − 2 min to now)
    // No host's own series was read for it: the other Queries are the checker's pulse shards.
    expect(queried.filter((pk) => pk.startsWith('M#') || pk.startsWith('D#'))).toEqual([]);
    expect(m.id).toBeDefined();
  });

  it('judges silent agents in the scheduled run whatever the jobs cost; a job runs alone as of its run, and a stale one is skipped and reported', async () => {
    const { deps } = await dynamoWorld(dynamo, 'metrics-split');
    await createMonitor(deps, 'acme', {
      type: 'expression',
      name: 'web load',
      expression: 'max(role("shop:web", "loadavg5"))',
      operator: '>',
      warning: 1,
      critical: 2,
    });
    const silent = await addHost(deps, 'web-1', ['shop:web']);
    const live = await addHost(deps, 'web-2', ['shop:web']);
    await createMonitor(deps, 'acme', {
      type: 'service',
      name: 'orders stopped',
      service: 'shop',
      metric: 'orders',
      operator: '>',
      warning: null,
      critical: 1000,
      duration: 1,
      missingDurationCritical: 10,
    });
    await agentPost(deps, silent, { loadavg5: 1 });
    await agentPost(deps, live, { loadavg5: 5 });
    deps.clock.at(T0 + 200);
    await agentPost(deps, live, { loadavg5: 5 });

    // A queue that only keeps what it is sent, as SQS does until the worker takes it.
    const sent: CheckerJob[] = [];
    const queue: CheckerJobQueue = {
      async sendAll(jobs) {
        sent.push(...jobs);
      },
    };
    const stats = await runChecker(deps, checkerSettings(), () => {}, queue);
    expect(sent.map((j) => [j.type, j.monitorIds.length, j.at])).toEqual([
      ['service', 1, T0 + 200],
      ['expression', 1, T0 + 200],
    ]);
    expect(stats).toMatchObject({ jobs: 2, byType: { connectivity: { evaluations: 2, skipped: 0 } } });
    // The silent agent's alert is open before any job has run.
    expect(await openAlerts(deps)).toEqual([['connectivity', 'CRITICAL', null]]);

    // The worker takes the jobs a little later: each evaluates as of its run.
    deps.clock.at(T0 + 230);
    const [service, expression] = sent as [CheckerJob, CheckerJob];
    expect(await runCheckerJob(deps, expression, checkerSettings().http)).toMatchObject({
      evaluations: 1,
      skipped: [],
    });
    expect(await runCheckerJob(deps, service, checkerSettings().http)).toMatchObject({
      evaluations: 1,
      skipped: [],
    });
    expect(await openAlerts(deps)).toEqual([
      ['connectivity', 'CRITICAL', null],
      ['expression', 'CRITICAL', 5],
      ['service', 'CRITICAL', null],
    ]);

    // A job handed out again long after its run (a worker that died with it) evaluates nothing.
    deps.clock.at(T0 + 200 + 121);
    const stale = await runCheckerJob(deps, expression, checkerSettings().http);
    expect(stale.evaluations).toBe(0);
    expect(stale.skipped).toEqual([
      {
        monitorId: expression.monitorIds[0],
        type: 'expression',
        reason: 'the job was taken 121 s after its run (more than 120 s)',
      },
    ]);
  });

  it('opens many alerts at once in three writes each and their logs in batches (a thousand silent hosts must not time the run out)', async () => {
    const { deps, commands } = await countedWorld(dynamo, 'burst');
    const hosts = await Promise.all(Array.from({ length: 30 }, (_, i) => addHost(deps, `web-${i}`)));
    for (const id of hosts) await agentPost(deps, id, { loadavg5: 1 });
    deps.clock.at(T0 + 200);
    await check(deps); // reads the notification settings once (and makes the default channel)
    const alerts = (await listAlerts(deps, 'acme', { withClosed: false, limit: 100 })).items;
    expect(alerts).toHaveLength(30);
    const writes = (name: string) => commands.filter((c) => c === name || c.startsWith(`${name} `)).length;
    commands.length = 0;
    // Another 30 hosts fall silent.
    const more = await Promise.all(Array.from({ length: 30 }, (_, i) => addHost(deps, `api-${i}`)));
    deps.clock.at(T0 + 300);
    for (const id of more) await agentPost(deps, id, { loadavg5: 1 });
    deps.clock.at(T0 + 450);
    for (const id of hosts) await agentPost(deps, id, { loadavg5: 1 }); // the first 30 come back
    deps.clock.at(T0 + 500);
    commands.length = 0;
    await check(deps);
    expect((await listAlerts(deps, 'acme', { withClosed: false, limit: 100 })).items).toHaveLength(30);
    // 30 opened and 30 closed: a state write, the alert item and the state's settle (or removal)
    // each; the 60 logs in three batch writes; no Get to settle a state.
    expect(writes('BatchWriteItemCommand')).toBe(3);
    expect(writes('PutItemCommand') + writes('UpdateItemCommand') + writes('DeleteItemCommand')).toBe(60 * 3);
    expect(writes('GetItemCommand')).toBe(1); // the organization's name, once for the batch
    // Alert group settings, latest groups and notification settings: read once for the batch.
    for (const kind of ['AG_SETTINGS', 'CHANNELS', 'NGROUPS', 'CHANNEL_STATUS'])
      expect(writes(`QueryCommand O#acme#${kind}`), kind).toBe(1);
    expect(writes('QueryCommand O#acme#AG_LATEST')).toBe(2); // and once more for the run's resends
    const [opened] = (await listAlerts(deps, 'acme', { withClosed: false, limit: 1 })).items;
    const logs = await deps.entities.alertLogs.page('acme', opened?.id ?? '', 10);
    expect(logs.items.map((l) => l.status)).toEqual(['CRITICAL']);
  });

  it('the worker reports each job as metrics (EMF on Lambda): evaluations, skips, time and the share of its timeout', async () => {
    const { deps } = await dynamoWorld(dynamo, 'metrics-worker');
    const m = await createMonitor(deps, 'acme', {
      type: 'expression',
      name: 'web load',
      expression: 'avg(role("shop:web", "loadavg5"))',
      operator: '>',
      warning: 1,
      critical: 2,
    });
    const entries: MetricsEntry[] = [];
    const lines: string[] = [];
    const text = createLogger({ level: 'debug', format: 'text', write: (l) => lines.push(l) });
    const logger: Logger = { ...text, metrics: (e) => entries.push(e) };
    const handler = createCheckerWorkerHandler(deps, checkerSettings().http, logger);
    const job: CheckerJob = { orgId: 'acme', type: 'expression', monitorIds: [m.id], at: T0 - 300 };
    const answer = await handler(sqsEventOf([{ body: JSON.stringify(job) }]), lambdaContext(55_000));
    expect(answer.batchItemFailures).toEqual([]);
    expect(entries).toHaveLength(1);
    expect(entries[0]?.dimensions).toEqual({ MonitorType: 'expression' });
    expect(entries[0]?.values).toMatchObject({ Evaluations: [0, 'Count'], Skipped: [1, 'Count'] });
    const used = entries[0]?.values.LimitUsedPercent;
    expect(used?.[1]).toBe('Percent');
    expect(used?.[0]).toBeGreaterThanOrEqual(0);
    expect(used?.[0]).toBeLessThanOrEqual(100);
    expect(
      lines.some((l) => l.includes(`checker skipped expression monitor ${m.id} of organization acme`)),
    ).toBe(true);

    // A body that is not a job fails alone.
    const bad = await handler(
      sqsEventOf([{ messageId: 'x', body: '{"orgId":"acme"}' }]),
      lambdaContext(55_000),
    );
    expect(bad.batchItemFailures).toEqual([{ itemIdentifier: 'x' }]);

    // The EMF document: the namespace, the dimension set and the totals without dimensions.
    expect(emfFields(entries[0] as MetricsEntry, 1_700_000_000_000)).toMatchObject({
      _aws: {
        Timestamp: 1_700_000_000_000,
        CloudWatchMetrics: [
          {
            Namespace: 'saba',
            Dimensions: [['MonitorType'], []],
            Metrics: expect.arrayContaining([
              { Name: 'Evaluations', Unit: 'Count' },
              { Name: 'Skipped', Unit: 'Count' },
              { Name: 'LimitUsedPercent', Unit: 'Percent' },
            ]),
          },
        ],
      },
      MonitorType: 'expression',
      Evaluations: 0,
      Skipped: 1,
    });
  });
});
