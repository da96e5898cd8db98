import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { GetSendQuotaCommand, SESClient, VerifyEmailIdentityCommand } from '@aws-sdk/client-ses';
import { GetQueueAttributesCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCHEDULES } from '#shared/schemas/jobs.ts';
import { runAgentLoad } from '../compat/agent-load.ts';
import { expectGoSuitePasses } from '../compat/go-suite.ts';
import { Harness } from '../support/deployed/harness.ts';
import { agentClient, callFront, eventually } from '../support/deployed/http.ts';
import { REGION } from '../support/deployed/intrinsics.ts';
import { addTenant } from '../support/deployed/tenants.ts';
import { startTestServer, type TestServer } from '../support/local-server.ts';
import { reasonFor, UNUSED_ACTION_REASONS } from './unused-actions.ts';

const SENDER = 'alerts@acme.example';
const ONCALL = 'oncall@acme.example';
const FORWARD = { metrics: ['loadavg5'], namespace: 'Acme/Saba', dimensions: ['HostId', 'HostName'] };

/**
 * The app with every option the README documents on (DynamoDB metric store), synthesized and run as
 * deployed (test/support/deployed/): the real clients through its HTTP API front, the end-to-end path
 * from a silent agent to an SES email and CloudWatch, SQS retries into the dead-letter queue, and
 * every AWS call of the run judged against its role's policies.
 */
describe('AWS as deployed: every option on (DynamoDB)', () => {
  let h: Harness;
  let acme: string;
  const admin = {
    endpoint: '',
    region: REGION,
    credentials: { accessKeyId: 'operator', secretAccessKey: 'operator' },
  };
  let hostId: string;
  let postedAt = 0;

  beforeAll(async () => {
    h = await Harness.deploy({
      senderEmail: SENDER,
      alarmEmail: 'ops@acme.example',
      forwardToCloudWatch: JSON.stringify(FORWARD),
      domainName: 'mackerel.acme.example',
      certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/12345678-1234-1234-1234-123456789012',
      apiRateLimit: '2000',
      apiBurstLimit: '1000',
      provisionedForHosts: '500',
      retentionDays: '90',
      connectivityTimeoutSeconds: '60',
    });
    admin.endpoint = h.motoEndpoint;
    await new SESClient(admin).send(new VerifyEmailIdentityCommand({ EmailAddress: SENDER }));
    acme = await addTenant(h, 'acme', { users: [ONCALL] });
    // Before any post, so that ingest's monitor cache already holds it.
    const monitor = await callFront(h.front.url, acme, 'POST', '/api/v0/monitors', {
      type: 'host',
      name: 'load',
      metric: 'loadavg5',
      operator: '>',
      warning: 5,
      critical: 10,
      duration: 1,
    });
    expect(monitor.status, monitor.text).toBe(200);
    // A webhook that never answers (its name cannot resolve): its deliveries fail beside the
    // emails, which still go out, and each failure releases its delivery's claim for the retry.
    const hook = await callFront(h.front.url, acme, 'POST', '/api/v0/channels', {
      name: 'down',
      type: 'webhook',
      url: 'https://hooks.saba.invalid/alerts',
      events: ['alert'],
      addToDefaultNotificationGroup: true,
    });
    expect(hook.status, hook.text).toBe(200);
  }, 180_000);
  afterAll(() => h?.stop());

  it('takes an agent’s registration and posts through the front, and reads them back', async () => {
    const agent = agentClient(h.front.url, acme);
    hostId = await agent.register({ name: 'e2e-1' });
    const now = Math.floor(Date.now() / 1000);
    await agent.post([
      { hostId, name: 'loadavg5', time: now - 60, value: 1.5 },
      { hostId, name: 'loadavg5', time: now, value: 2.5 },
      { hostId, name: 'memory.used', time: now, value: 4e9 },
    ]);
    postedAt = Date.now();
    const graph = await agent.series(hostId, 'loadavg5', now - 600, now);
    expect(graph.json.metrics.map((p: { value: number }) => p.value)).toEqual([1.5, 2.5]);
    // API Gateway's access log line, in the stage's format: never the key.
    expect(
      h.httpApi.accessLog.some((l) => JSON.parse(l).p === '/api/v0/tsdb' && JSON.parse(l).s === '200'),
    ).toBe(true);
    expect(h.httpApi.accessLog.join('\n')).not.toContain(acme);
  });

  it('takes OpenTelemetry metrics at /v1/metrics (protobuf, gzipped: binary through the front) and answers PromQL at /api/v1', async () => {
    const exporter = new OTLPMetricExporter({
      url: `${h.front.url}/v1/metrics`,
      headers: { 'Mackerel-Api-Key': acme },
      compression: 'gzip' as never,
    });
    const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
    const provider = new MeterProvider({
      resource: resourceFromAttributes({ 'service.name': 'checkout' }),
      readers: [reader],
    });
    const orders = provider.getMeter('e2e').createCounter('checkout.orders');
    orders.add(3, { region: 'eu' });
    orders.add(4, { region: 'us' });
    await provider.forceFlush();
    await provider.shutdown();
    const answer = await callFront(
      h.front.url,
      acme,
      'GET',
      `/api/v1/query?${new URLSearchParams({ query: 'sum(checkout.orders)' })}`,
    );
    expect(answer.status, answer.text).toBe(200);
    expect(answer.json.data.result.map((r: { value: [number, string] }) => r.value[1])).toEqual(['7']);
    expect(
      h.httpApi.accessLog.some((l) => JSON.parse(l).p === '/v1/metrics' && JSON.parse(l).s === '200'),
    ).toBe(true);
  });

  it('takes the agent-like load on both targets, the local server and the harness', {
    timeout: 120_000,
  }, async () => {
    const local: TestServer = await startTestServer();
    try {
      const targets = [
        { url: local.url, key: local.key },
        { url: h.front.url, key: await addTenant(h, 'load') },
      ];
      for (const target of targets) {
        const agent = agentClient(target.url, target.key);
        const hostIds: string[] = [];
        for (let i = 0; i < 4; i++) hostIds.push(await agent.register({ name: `load-${i}` }));
        const result = await runAgentLoad({ ...target, hostIds, seconds: 4, concurrency: 4 });
        expect(result.bad, target.url).toBe(0);
        expect(result.ok).toBeGreaterThan(8);
        const now = Math.floor(Date.now() / 1000);
        const read = await agent.series(hostIds[0] as string, 'loadavg1', now - 13 * 3600, now);
        expect(read.json.metrics.length, target.url).toBeGreaterThan(0);
      }
    } finally {
      await local.destroy();
    }
  });

  it('runs the AWS integration schedule: the deployment’s own queues and tables become hosts, read with its read-only role', {
    timeout: 120_000,
  }, async () => {
    const on = { enable: true, role: null, excludedMetrics: [] };
    const services = Object.fromEntries(
      ['EC2', 'ELB', 'ALB', 'NLB', 'RDS', 'ElastiCache', 'Lambda', 'SQS', 'DynamoDB', 'APIGateway'].map(
        (s) => [s, on],
      ),
    );
    const created = await callFront(h.front.url, acme, 'POST', '/api/v0/aws-integrations', {
      name: 'this account',
      memo: '',
      region: REGION,
      includedTags: '',
      excludedTags: 'saba:ignore',
      services,
    });
    expect(created.status, created.text).toBe(200);
    const [run] = await h.scheduler.fire('IntegrationsEveryFiveMinutes');
    expect(run?.ok, JSON.stringify(run)).toBe(true);
    const shown = await callFront(h.front.url, acme, 'GET', `/api/v0/aws-integrations/${created.json.id}`);
    // moto holds the deployment's own queues and tables: each one a host, nothing failed.
    expect(shown.json.lastRun.problems).toEqual([]);
    expect(shown.json.lastRun.resources).toBeGreaterThan(3);
    const hosts = await callFront(h.front.url, acme, 'GET', '/api/v0/hosts');
    const sqs = hosts.json.hosts.filter(
      (x: { meta: { cloud?: { provider: string } } }) => x.meta.cloud?.provider === 'sqs',
    );
    expect(sqs.length).toBeGreaterThan(0);
    expect(sqs[0].size).toBe('micro');
  });

  it('runs the daily compaction schedule: the dispatcher queues a job per shard, the worker’s mapping takes them all', {
    timeout: 120_000,
  }, async () => {
    const [run] = await h.scheduler.fire('CompactionDaily');
    expect(run?.ok).toBe(true);
    // One job per organization and pulse shard (32): acme and load exist by now.
    expect(run?.ok && run.result).toEqual({ jobs: 64 });
    const worker = h.mapping('CompactionWorker');
    await eventually(
      async () => (worker.outcomes.reduce((n, o) => n + o.records, 0) >= 64 ? true : undefined),
      60_000,
      'the compaction jobs',
    );
    expect(worker.outcomes.every((o) => o.failed === 0)).toBe(true);
    expect(worker.spec.batchSize).toBe(2);
  });

  it('runs the hourly anomaly training schedule with its own role: monitors read, history read, a training recorded', {
    timeout: 120_000,
  }, async () => {
    // An organization of its own, without users: its hosts fall silent later without touching acme's
    // alerts or emails (made after the compaction test, which counts the organizations).
    const tenant = await addTenant(h, 'anomaly');
    const agent = agentClient(h.front.url, tenant);
    for (let i = 0; i < 3; i++) {
      const hostId = await agent.register({ name: `anomaly-${i}`, roleFullnames: ['anomaly:web'] });
      const now = Math.floor(Date.now() / 1000);
      await agent.post([
        { hostId, name: 'loadavg5', time: now - 120, value: 0.5 + i / 10 },
        { hostId, name: 'loadavg5', time: now - 60, value: 0.6 + i / 10 },
      ]);
    }
    const created = await callFront(h.front.url, tenant, 'POST', '/api/v0/monitors', {
      type: 'anomalyDetection',
      name: 'web anomalies',
      scopes: ['anomaly: web'],
      warningSensitivity: 'normal',
    });
    expect(created.status, created.text).toBe(200);
    expect(created.json).toMatchObject({ type: 'anomalyDetection', scopes: ['anomaly:web'] });
    const [run] = await h.scheduler.fire('AnomalyTrainingHourly');
    expect(run?.ok, JSON.stringify(run)).toBe(true);
    // Minutes of history, not a day: the role is judged against its peers only until then.
    expect(run?.ok && run.result).toMatchObject({ monitors: 1, trained: 1, hosts: 0 });
    expect(run?.ok && (run.result as { pointsRead: number }).pointsRead).toBeGreaterThanOrEqual(6);
  });

  it('evaluates a role() expression in the checker worker, from the role series ingest kept: the scheduled run queues the job, SQS hands it over, and its metrics are EMF lines', {
    timeout: 120_000,
  }, async () => {
    // An organization of its own, without users (its hosts fall silent later, alerting nobody).
    const tenant = await addTenant(h, 'roles');
    const agent = agentClient(h.front.url, tenant);
    const hostIds: string[] = [];
    for (let i = 0; i < 3; i++)
      hostIds.push(await agent.register({ name: `roles-${i}`, roleFullnames: ['roles:web'] }));
    // Made before the first post, so the ingest function's view of the monitors already has it.
    const created = await callFront(h.front.url, tenant, 'POST', '/api/v0/monitors', {
      type: 'expression',
      name: 'web load',
      expression: 'avg(role("roles:web", "loadavg5"))',
      operator: '>',
      warning: 2,
      critical: 4,
    });
    expect(created.status, created.text).toBe(200);
    const now = Math.floor(Date.now() / 1000);
    for (const [i, hostId] of hostIds.entries())
      await agent.post([
        { hostId, name: 'loadavg5', time: now - 60, value: 1 + 2 * i },
        { hostId, name: 'loadavg5', time: now, value: 1 + 2 * i },
      ]);
    const worker = h.mapping('MonitoringCheckerWorker');
    const before = worker.outcomes.length;
    const [run] = await h.scheduler.fire('MonitoringEveryMinute');
    expect(run?.ok, JSON.stringify(run)).toBe(true);
    // The average of 1, 3 and 5: a warning, opened by the worker once SQS hands it the job.
    const alert = await eventually(
      async () =>
        (await callFront(h.front.url, tenant, 'GET', '/api/v0/alerts')).json.alerts.find(
          (a: { type: string }) => a.type === 'expression',
        ),
      30_000,
      'the expression alert',
    );
    expect(alert).toMatchObject({ monitorId: created.json.id, status: 'WARNING', value: 3 });
    expect(worker.outcomes.length).toBeGreaterThan(before);
    // The alert is open before the invocation has ended and its log lines are in: wait for them.
    const emfLines = () =>
      h
        .fn('MonitoringCheckerWorkerFunction')
        .logs.filter((l) => l.includes('"_aws"') && l.includes('"MonitorType":"expression"'));
    const emf = await eventually(
      async () => (emfLines().length > 0 ? emfLines() : undefined),
      30_000,
      'the worker’s EMF line',
    );
    expect(emf.length).toBeGreaterThan(0);
    const line = JSON.parse(emf.at(-1)?.slice(emf.at(-1)?.indexOf('{')) ?? '{}');
    expect(line._aws.CloudWatchMetrics[0]).toMatchObject({
      Namespace: 'saba',
      Dimensions: [['MonitorType'], []],
    });
    expect(line).toMatchObject({ Skipped: 0 });
    expect(line.LimitUsedPercent).toBeGreaterThanOrEqual(0);

    // The load falls: the next run's job closes the alert.
    const later = Math.floor(Date.now() / 1000);
    for (const hostId of hostIds) await agent.post([{ hostId, name: 'loadavg5', time: later, value: 0 }]);
    expect((await h.scheduler.fire('MonitoringEveryMinute')).map((r) => r.ok)).toEqual([true]);
    await eventually(
      async () =>
        (await callFront(h.front.url, tenant, 'GET', '/api/v0/alerts')).json.alerts.some(
          (a: { type: string }) => a.type === 'expression',
        )
          ? undefined
          : true,
      30_000,
      'the expression alert closed',
    );
  });

  it('retries a notification that fails, then parks it in the dead-letter queue after maxReceiveCount', {
    timeout: 120_000,
  }, async () => {
    const sqs = new SQSClient(admin);
    const queue = h.physical('AWS::SQS::Queue', 'MonitoringNotifications');
    const dlq = h.physical('AWS::SQS::Queue', 'MonitoringDeadLetters');
    const mapping = h.mapping('MonitoringNotifier');
    const before = mapping.outcomes.length;
    await sqs.send(
      new SendMessageCommand({ QueueUrl: queue.ref, MessageBody: JSON.stringify({ not: 'a delivery' }) }),
    );
    const depth = async () =>
      Number(
        (
          await sqs.send(
            new GetQueueAttributesCommand({
              QueueUrl: dlq.ref,
              AttributeNames: ['ApproximateNumberOfMessages'],
            }),
          )
        ).Attributes?.ApproximateNumberOfMessages,
      );
    for (let round = 0; round < 15 && (await depth()) === 0; round++) {
      // Each round: the mapping receives it and the notifier reports it failed; its visibility timeout
      // is then made to run out, until SQS moves it to the dead-letter queue on the next receive.
      await eventually(
        async () => ((await mapping.expireVisibility()) > 0 || (await depth()) > 0 ? true : undefined),
        20_000,
        'a failed receive',
      );
    }
    expect(await depth()).toBe(1);
    const failures = mapping.outcomes.slice(before).filter((o) => o.failed > 0);
    // Received maxReceiveCount (10) times, failed each time, then moved by SQS without an 11th invocation.
    expect(failures).toHaveLength(10);
    expect(failures.every((o) => o.invocation.ok)).toBe(true); // reported per item, never a thrown batch
  });

  it('passes the mackerel-client-go suite through the front', { timeout: 600_000 }, async () => {
    await expectGoSuitePasses(h.front.url, await addTenant(h, 'default'));
  });

  it('opens the silent host’s alert from the scheduled checker, emails it once through SES and mirrors its points into CloudWatch', {
    timeout: 150_000,
  }, async () => {
    // Silence: the connectivity timeout (60 s, the least the settings allow) must pass since the post;
    // the tests above run meanwhile (in organizations whose hosts are younger than that, or have no users).
    await new Promise((r) => setTimeout(r, Math.max(0, postedAt + 62_000 - Date.now())));
    const runs = await h.scheduler.fire('MonitoringEveryMinute');
    expect(runs.map((r) => r.ok)).toEqual([true]);
    expect(h.scheduler.find('MonitoringEveryMinute').input).toBe(
      JSON.stringify({ schedule: SCHEDULES.checker }),
    );
    const alerts = (await callFront(h.front.url, acme, 'GET', '/api/v0/alerts')).json.alerts;
    expect(alerts).toEqual([expect.objectContaining({ type: 'connectivity', hostId, status: 'CRITICAL' })]);

    // The notifier takes the job from SQS through its event source mapping and sends through SES:
    // one email to the on-call user, and moto counts every email the recorder saw (the Go suite's
    // organization may have sent some of its own).
    const sent = () => h.recorder.calls.filter((c) => c.action === 'ses:SendEmail' && c.status === 200);
    const toOncall = () => sent().filter((c) => c.to?.includes(ONCALL));
    const sesCount = async () =>
      (await new SESClient(admin).send(new GetSendQuotaCommand({}))).SentLast24Hours;
    await eventually(async () => (toOncall().length > 0 ? true : undefined), 30_000, 'the email');
    await new Promise((r) => setTimeout(r, 1000)); // nothing more comes
    expect(toOncall().map((c) => c.to)).toEqual([[ONCALL]]);
    expect(await sesCount()).toBe(sent().length);

    // The forwarder's mapping (20 s batching window) has sent loadavg5, and only it, by now.
    const cw = new CloudWatchClient(admin);
    const read = async (name: string) => {
      const now = Math.floor(Date.now() / 1000);
      const out = await cw.send(
        new GetMetricDataCommand({
          StartTime: new Date((now - 900) * 1000),
          EndTime: new Date((now + 60) * 1000),
          MetricDataQueries: [
            {
              Id: 'q',
              MetricStat: {
                Metric: {
                  Namespace: FORWARD.namespace,
                  MetricName: name,
                  Dimensions: [
                    { Name: 'HostId', Value: hostId },
                    { Name: 'HostName', Value: 'e2e-1' },
                  ],
                },
                Period: 60,
                Stat: 'Maximum',
              },
            },
          ],
        }),
      );
      return [...(out.MetricDataResults?.[0]?.Values ?? [])].sort();
    };
    expect(
      await eventually(
        async () => ((await read('loadavg5')).length === 2 ? read('loadavg5') : undefined),
        30_000,
        'CloudWatch points',
      ),
    ).toEqual([1.5, 2.5]);
    expect(await read('memory.used')).toEqual([]);

    // The host comes back with a high load: ingest opens the host monitor's alert on arrival, the
    // next checker run closes the connectivity alert, and a normal load closes the other on arrival:
    // one email each, four in all.
    const agent = agentClient(h.front.url, acme);
    await agent.post([{ hostId, name: 'loadavg5', time: Math.floor(Date.now() / 1000), value: 20 }]);
    expect((await h.scheduler.fire('MonitoringEveryMinute')).map((r) => r.ok)).toEqual([true]);
    const open = (await callFront(h.front.url, acme, 'GET', '/api/v0/alerts')).json.alerts;
    expect(open).toEqual([expect.objectContaining({ type: 'host', hostId, status: 'CRITICAL', value: 20 })]);
    // Back to normal: ingest closes the load alert on arrival.
    await agent.post([{ hostId, name: 'loadavg5', time: Math.floor(Date.now() / 1000), value: 1 }]);
    expect((await callFront(h.front.url, acme, 'GET', '/api/v0/alerts')).json.alerts).toEqual([]);
    await eventually(async () => (toOncall().length >= 4 ? true : undefined), 30_000, 'four emails').catch(
      (err) => {
        throw new Error(
          `${err}: ${JSON.stringify({ sent: toOncall().length, outcomes: h.mapping('MonitoringNotifier').outcomes, errors: h.mapping('MonitoringNotifier').errors.map(String), logs: h.fn('MonitoringNotifier').logs.slice(-6) })}`,
        );
      },
    );
    await new Promise((r) => setTimeout(r, 2000)); // nothing more comes
    expect(toOncall().map((c) => c.to)).toEqual([[ONCALL], [ONCALL], [ONCALL], [ONCALL]]);
    expect(await sesCount()).toBe(sent().length);
  });

  it('makes no AWS call its role does not allow, and every allowed action left unused has a reason', async () => {
    await h.shipLogs();
    const report = h.iamReport();
    expect(h.mappings.flatMap((m) => m.errors)).toEqual([]);
    expect(report.calls).toBeGreaterThan(100);
    expect(report.denied).toEqual([]);
    const unexplained = Object.entries(report.unused).flatMap(([role, actions]) =>
      actions.filter((a) => !reasonFor(role, a)).map((a) => `${role}: ${a}`),
    );
    expect(unexplained).toEqual([]);
    // And no reason is kept for an action every run now uses.
    const left = Object.entries(report.unused).flatMap(([role, actions]) =>
      actions.map((a) => `${role} ${a}`),
    );
    const stale = Object.keys(UNUSED_ACTION_REASONS).filter((key) => {
      const [prefix, action] = key.includes(' ') ? key.split(' ') : ['', key];
      return !left.some((l) => l.startsWith(prefix as string) && l.endsWith(` ${action}`));
    });
    expect(stale).toEqual([]);
  });
});
