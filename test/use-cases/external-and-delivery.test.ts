import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDocumentClient } from '#shared/adapters/dynamodb/client.ts';
import { ensureTableAt } from '#shared/adapters/dynamodb/ensure-table.ts';
import { DurableLocalQueue } from '#shared/adapters/dynamodb/local-queue.ts';
import { outboundHttp } from '#shared/adapters/http/outbound-http.ts';
import { listAlerts } from '#shared/use-cases/monitoring/alerts.ts';
import { responseTimeMetric } from '#shared/use-cases/monitoring/external-probe.ts';
import { createMonitor } from '#shared/use-cases/monitoring/monitors.ts';
import { ChannelHealth } from '#shared/use-cases/notifications/channel-health.ts';
import { createChannel, createNotificationGroup } from '#shared/use-cases/notifications/channels.ts';
import { notificationDelivery } from '#shared/use-cases/notifications/deliver.ts';
import { createService } from '#shared/use-cases/services/services.ts';
import { startTestDynamo, type TestDynamo } from '../support/dynalite.ts';
import { startReceiver } from '../support/http-receiver.ts';
import {
  addHost,
  agentPost,
  check,
  type MonitoringDeps,
  monitoringWorld,
  RecordingEmail,
} from '../support/monitoring.ts';

const T0 = 1_800_000_000;
const open = async (deps: MonitoringDeps) =>
  (await listAlerts(deps, 'acme', { withClosed: false, limit: 100 })).items;
const allowLoopback = outboundHttp({ allowPrivate: true });

describe('external HTTP monitors', () => {
  let dynamo: TestDynamo;
  let site: Awaited<ReturnType<typeof startReceiver>>;
  let mode = 'ok';
  beforeAll(async () => {
    dynamo = await startTestDynamo();
    site = await startReceiver((r) => {
      if (r.url === '/moved') return { status: 302, headers: { location: '/health' } };
      if (mode === 'down') return { status: 503, body: 'maintenance' };
      if (mode === 'slow') return { body: `got ${r.body}`, delayMs: 120 };
      return { body: r.method === 'POST' ? `got ${r.body}` : 'healthy' };
    });
  });
  afterAll(async () => {
    await site.stop();
    await dynamo.stop();
  });

  it('checks status and contents, sends method, headers and body, graphs response times into the service', async () => {
    const deps = await monitoringWorld(dynamo, T0);
    await createService(deps, 'acme', 'shop', '');
    const m = await createMonitor(deps, 'acme', {
      type: 'external',
      name: 'shop api',
      url: `${site.url}/health`,
      method: 'POST',
      requestBody: 'ping',
      headers: [{ name: 'X-Probe', value: 'saba' }],
      containsString: 'got ping',
      service: 'shop',
      responseTimeCritical: 100,
      responseTimeDuration: 1,
    });
    await check(deps, { http: allowLoopback });
    expect(await open(deps)).toEqual([]);
    const last = site.received[site.received.length - 1];
    expect(last).toMatchObject({ method: 'POST', body: 'ping', headers: { 'x-probe': 'saba' } });
    const times = await deps.metrics.range(
      'acme',
      { kind: 'service', id: 'shop' },
      responseTimeMetric(m.id),
      T0 - 60,
      T0,
      60,
    );
    expect(times).toHaveLength(1);

    mode = 'down';
    deps.clock.at(T0 + 60);
    await check(deps, { http: allowLoopback });
    expect((await open(deps))[0]).toMatchObject({
      type: 'external',
      status: 'CRITICAL',
      message: expect.stringContaining('503'),
    });
    mode = 'ok';
    deps.clock.at(T0 + 120);
    await check(deps, { http: allowLoopback });
    expect(await open(deps)).toEqual([]);
    mode = 'slow';
    deps.clock.at(T0 + 180);
    await check(deps, { http: allowLoopback });
    const slow = (await open(deps))[0];
    expect(slow).toMatchObject({ status: 'CRITICAL', message: expect.stringContaining('response time') });
    expect(slow?.value).toBeGreaterThan(100);
  });

  it('follows redirects only when asked, and refuses private targets unless allowed', async () => {
    const deps = await monitoringWorld(dynamo, T0);
    await createMonitor(deps, 'acme', {
      type: 'external',
      name: 'moved',
      url: `${site.url}/moved`,
      expectedStatusCode: 200,
      followRedirect: true,
    });
    await check(deps, { http: allowLoopback });
    expect(await open(deps)).toEqual([]);
    deps.clock.at(T0 + 60);
    await check(deps, { http: outboundHttp({ allowPrivate: false }) });
    expect((await open(deps))[0]?.message).toMatch(/private address/);
  });
});

describe('expression monitors', () => {
  let dynamo: TestDynamo;
  beforeAll(async () => {
    dynamo = await startTestDynamo();
  });
  afterAll(() => dynamo.stop());

  it('alerts on the average of a role, as one series', async () => {
    const deps = await monitoringWorld(dynamo, T0);
    const hosts = [await addHost(deps, 'w1', ['shop:web']), await addHost(deps, 'w2', ['shop:web'])];
    const m = await createMonitor(deps, 'acme', {
      type: 'expression',
      name: 'web load',
      expression: 'avg(role("shop:web", "loadavg5"))',
      operator: '>',
      warning: 3,
      critical: 6,
    });
    await agentPost(deps, hosts[0] as string, { loadavg5: 2 });
    await agentPost(deps, hosts[1] as string, { loadavg5: 6 });
    deps.clock.at(T0 + 30);
    await check(deps);
    expect((await open(deps)).map((a) => [a.monitorId, a.status, a.value])).toEqual([[m.id, 'WARNING', 4]]);
  });
});

describe('delivery: webhook, Slack, email; once per channel; retried, then dead-lettered', () => {
  let dynamo: TestDynamo;
  let hooks: Awaited<ReturnType<typeof startReceiver>>;
  let failing = 0;
  beforeAll(async () => {
    dynamo = await startTestDynamo();
    hooks = await startReceiver(() => (failing-- > 0 ? { status: 500 } : {}));
  });
  afterAll(async () => {
    await hooks.stop();
    await dynamo.stop();
  });

  it('sends Mackerel’s webhook payload and a Slack message once each, even when the job comes twice', async () => {
    const deps = await monitoringWorld(dynamo, T0);
    const host = await addHost(deps, 'web-9', ['shop:web']);
    const hook = await createChannel(deps, 'acme', {
      type: 'webhook',
      name: 'hook',
      url: `${hooks.url}/hook`,
      addToDefaultNotificationGroup: true,
    });
    const slack = await createChannel(deps, 'acme', {
      type: 'slack',
      name: 'chat',
      url: `${hooks.url}/slack`,
      mentions: { critical: '@here' },
    });
    await createNotificationGroup(deps, 'acme', {
      name: 'shop',
      notificationLevel: 'all',
      childChannelIds: [slack.id],
      services: [{ name: 'shop' }],
    });
    await agentPost(deps, host);
    deps.clock.at(T0 + 200);
    await check(deps);
    const jobs = deps.notifications.jobs;
    expect(jobs.map((j) => j.channelId).sort()).toEqual(['default-channel', hook.id, slack.id].sort());
    const email = new RecordingEmail();
    const senders = { email, http: allowLoopback, consoleUrl: 'http://saba.example' };
    const deliver = notificationDelivery(deps, senders, { health: new ChannelHealth() });
    expect(await Promise.all(jobs.map(deliver))).toEqual(['sent', 'sent', 'sent']);
    expect(await Promise.all(jobs.map(deliver))).toEqual(['duplicate', 'duplicate', 'duplicate']);
    expect(hooks.received.map((r) => r.url).sort()).toEqual(['/hook', '/slack']);
    const payload = JSON.parse(hooks.received.find((r) => r.url === '/hook')?.body ?? '{}');
    expect(payload).toMatchObject({
      orgName: 'acme',
      event: 'alert',
      type: 'connectivity',
      host: {
        id: host,
        name: 'web-9',
        status: 'working',
        roles: [{ fullname: 'shop: web', serviceName: 'shop', roleName: 'web' }],
      },
      alert: {
        status: 'critical',
        isOpen: true,
        trigger: 'monitor',
        openedAt: T0 + 200,
        createdAt: (T0 + 200) * 1000,
        url: expect.stringContaining('http://saba.example/'),
      },
    });
    const slackBody = JSON.parse(hooks.received.find((r) => r.url === '/slack')?.body ?? '{}');
    expect(slackBody.text).toBe('@here [saba] [acme] CRITICAL: connectivity on web-9');
    expect(email.sent).toHaveLength(1);
    // One delivery id each: in the header of both, in the webhook's body, as the email's Message-ID.
    const ids = hooks.received.map((r) => r.headers['x-saba-delivery-id']);
    expect(ids.every((id) => typeof id === 'string' && /^[0-9a-f]{32}$/.test(id))).toBe(true);
    expect(new Set([...ids, email.sent[0]?.deliveryId]).size).toBe(3);
    expect(payload.deliveryId).toBe(
      hooks.received.find((r) => r.url === '/hook')?.headers['x-saba-delivery-id'],
    );
    expect(slackBody).not.toHaveProperty('deliveryId');
  });

  it('the local queue retries a failing webhook, then parks it in the dead letters; nothing is dropped', async () => {
    const deps = await monitoringWorld(dynamo, T0);
    const hook = await createChannel(deps, 'acme', {
      type: 'webhook',
      name: 'flaky',
      url: `${hooks.url}/flaky`,
      addToDefaultNotificationGroup: true,
    });
    const host = await addHost(deps, 'flaky-host');
    await agentPost(deps, host);
    deps.clock.at(T0 + 200);
    await check(deps);
    const job = deps.notifications.jobs.find((j) => j.channelId === hook.id);
    let t = 0;
    await ensureTableAt(dynamo.endpoint, 'queue-test');
    const local = new DurableLocalQueue(
      { doc: createDocumentClient({ endpoint: dynamo.endpoint }), name: 'queue-test' },
      { delaysMs: [10, 10], now: () => t },
    );
    if (!job) throw new Error('no job for the webhook');
    await local.send([job]);
    const senders = { email: new RecordingEmail(), http: allowLoopback };
    const deliver = notificationDelivery(deps, senders, { health: new ChannelHealth() });
    failing = 1;
    expect(await local.drain(deliver, () => {})).toBe(0);
    t = 5;
    expect(await local.drain(deliver, () => {})).toBe(0); // not due yet
    t = 20;
    expect(await local.drain(deliver, () => {})).toBe(1);
    expect(await local.pending()).toBe(0);

    failing = 5;
    await local.send([{ ...job, eventId: 'another-event' }]);
    for (const step of [30, 50, 70]) {
      t = step;
      await local.drain(deliver, () => {});
    }
    expect(await local.pending()).toBe(0);
    expect((await local.deadLetters()).map((j) => j.eventId)).toEqual(['another-event']);
  });
});
