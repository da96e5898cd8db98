import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentHostBody } from '../fixtures/agent.ts';
import { startReceiver } from '../support/http-receiver.ts';
import { clientFor, startTestServer, type TestServer } from '../support/local-server.ts';

const until = async <T>(what: string, probe: () => Promise<T | undefined>, ms = 15_000): Promise<T> => {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const now = () => Math.floor(Date.now() / 1000);

describe('a stopped agent, end to end on the local server (timeout 2 s, checker every second)', () => {
  let server: TestServer;
  let call: ReturnType<typeof clientFor>;
  let hooks: Awaited<ReturnType<typeof startReceiver>>;
  const outbox = () => {
    try {
      return readdirSync(join(server.dataDir, 'outbox')).sort();
    } catch {
      return [];
    }
  };

  beforeAll(async () => {
    hooks = await startReceiver();
    server = await startTestServer({
      env: {
        SABA_CONNECTIVITY_TIMEOUT_SECONDS: '2',
        SABA_CHECK_INTERVAL_SECONDS: '1',
        SABA_ALLOW_PRIVATE_TARGETS: '1',
      },
    });
    call = clientFor(server, server.key);
    expect(
      (await call('POST', '/api/v0/invitations', { email: 'oncall@example.com', authority: 'manager' }))
        .status,
    ).toBe(200);
    const hook = await call('POST', '/api/v0/channels', {
      type: 'webhook',
      name: 'ops hook',
      url: `${hooks.url}/mackerel`,
      addToDefaultNotificationGroup: true,
      mentions: {},
    });
    expect(hook.status).toBe(200);
  });
  afterAll(async () => {
    await server.destroy();
    await hooks.stop();
  });

  it('emails once and calls the webhook once when the agent stops, and once more when it comes back; standby is quiet', async () => {
    const host = (await call('POST', '/api/v0/hosts', agentHostBody({ name: 'db-1' }))).json.id;
    const quiet = (await call('POST', '/api/v0/hosts', agentHostBody({ name: 'spare-1' }))).json.id;
    await call('POST', `/api/v0/hosts/${quiet}/status`, { status: 'standby' });
    await call('POST', '/api/v0/tsdb', [
      { hostId: host, name: 'loadavg5', time: now(), value: 0.5 },
      { hostId: quiet, name: 'loadavg5', time: now(), value: 0.5 },
    ]);
    const stoppedAt = Date.now();
    const alert = await until('the connectivity alert', async () => {
      const list = (await call('GET', '/api/v0/alerts')).json.alerts;
      return list.find((a: { hostId: string }) => a.hostId === host);
    });
    expect(alert).toMatchObject({ type: 'connectivity', status: 'CRITICAL' });
    const [mail] = await until('the email', async () => (outbox().length > 0 ? outbox() : undefined));
    await until('the webhook', async () => (hooks.received.length > 0 ? true : undefined));
    const latency = Date.now() - stoppedAt;
    await sleep(2500); // more checker runs: nothing more is sent
    expect(outbox()).toHaveLength(1);
    expect(hooks.received).toHaveLength(1);
    const eml = readFileSync(join(server.dataDir, 'outbox', mail as string), 'utf8');
    expect(eml).toMatch(/^To: oncall@example.com$/m);
    expect(eml).toMatch(/^Subject: \[saba\] \[default\] CRITICAL: connectivity on db-1$/m);
    expect(JSON.parse(hooks.received[0]?.body ?? '{}')).toMatchObject({
      event: 'alert',
      alert: { status: 'critical', isOpen: true },
      host: { id: host },
    });
    expect(latency).toBeLessThan(15_000);

    // The standby host is silent too: its alert is open, nobody was told.
    const all = (await call('GET', '/api/v0/alerts')).json.alerts;
    expect(all.map((a: { hostId: string }) => a.hostId).sort()).toEqual([host, quiet].sort());

    await call('POST', '/api/v0/tsdb', [{ hostId: host, name: 'loadavg5', time: now(), value: 0.5 }]);
    await until('the recovery', async () =>
      hooks.received.length === 2 && outbox().length === 2 ? true : undefined,
    );
    expect(JSON.parse(hooks.received[1]?.body ?? '{}')).toMatchObject({
      alert: { status: 'ok', isOpen: false },
    });
    const closed = (await call('GET', `/api/v0/alerts/${alert.id}`)).json;
    expect(closed).toMatchObject({ id: alert.id, status: 'OK', closedAt: expect.any(Number) });

    // Retiring the standby host closes its alert.
    await call('POST', `/api/v0/hosts/${quiet}/retire`, null);
    expect((await call('GET', '/api/v0/alerts')).json.alerts).toEqual([]);
  });
});

describe('check reports and the alerts API', () => {
  let server: TestServer;
  let call: ReturnType<typeof clientFor>;
  beforeAll(async () => {
    server = await startTestServer();
    call = clientFor(server, server.key);
  });
  afterAll(() => server.destroy());

  const report = (hostId: string, name: string, status: string, occurredAt: number, extra = {}) => ({
    source: { type: 'host', hostId },
    name,
    status,
    message: `${name} says ${status}\n`,
    occurredAt,
    ...extra,
  });

  it('opens and closes check alerts from agent reports; lists checks; pages alerts newest first; closes with a reason', async () => {
    const host = (
      await call(
        'POST',
        '/api/v0/hosts',
        agentHostBody({ checks: [{ name: 'check-nginx', memo: 'nginx up?' }] }),
      )
    ).json.id;
    expect((await call('GET', `/api/v0/hosts/${host}`)).json.host.checks).toEqual([
      { name: 'check-nginx', memo: 'nginx up?' },
    ]);
    const t = now();
    const post = (reports: unknown[]) => call('POST', '/api/v0/monitoring/checks/report', { reports });
    expect(
      (
        await post([
          report(host, 'check-nginx', 'CRITICAL', t - 120),
          report(host, 'check-disk', 'WARNING', t - 120),
          report(host, 'check-mysql', 'CRITICAL', t - 120),
        ])
      ).json,
    ).toEqual({ success: true });
    // A repeat is ignored; the same again later is not a new alert.
    await post([report(host, 'check-nginx', 'CRITICAL', t - 120)]);
    const checks = (await call('GET', '/api/v0/monitoring/checks')).json.checks;
    expect(checks.map((c: { name: string }) => c.name).sort()).toEqual([
      'check-disk',
      'check-mysql',
      'check-nginx',
    ]);
    const nginx = checks.find((c: { name: string }) => c.name === 'check-nginx');
    expect((await call('GET', `/api/v0/monitoring/checks/${nginx.id}`)).json).toEqual({ check: nginx });
    const paged = (await call('GET', '/api/v0/monitoring/checks?limit=2')).json;
    expect(paged.checks).toHaveLength(2);
    expect(
      (await call('GET', `/api/v0/monitoring/checks?limit=2&nextId=${paged.nextId}`)).json.checks,
    ).toHaveLength(1);

    const page1 = (await call('GET', '/api/v0/alerts?limit=2')).json;
    expect(page1.alerts).toHaveLength(2);
    expect(page1.alerts[0].id > page1.alerts[1].id).toBe(true);
    const page2 = (await call('GET', `/api/v0/alerts?limit=2&nextId=${page1.nextId}`)).json;
    expect(page2.alerts).toHaveLength(1);
    expect(page2.nextId).toBeUndefined();
    const nginxAlert = [...page1.alerts, ...page2.alerts].find(
      (a: { monitorId: string }) => a.monitorId === nginx.id,
    );
    expect(nginxAlert).toMatchObject({
      type: 'check',
      hostId: host,
      status: 'CRITICAL',
      message: 'check-nginx says CRITICAL\n',
      openedAt: expect.any(Number),
    });

    const statuses = (await call('GET', `/api/v0/hosts/${host}/monitored-statuses`)).json.monitoredStatuses;
    expect(statuses).toContainEqual({
      monitorId: nginx.id,
      status: 'CRITICAL',
      detail: { type: 'check', message: 'check-nginx says CRITICAL\n', memo: 'nginx up?' },
    });

    await post([report(host, 'check-nginx', 'OK', t - 60)]);
    const memo = await call('PUT', `/api/v0/alerts/${page1.alerts[0].id}`, { memo: 'looking' });
    expect(memo.json).toEqual({ id: page1.alerts[0].id, memo: 'looking' });
    const closed = await call('POST', `/api/v0/alerts/${page1.alerts[0].id}/close`, {
      reason: 'known issue',
    });
    expect(closed.json).toMatchObject({
      status: 'OK',
      reason: 'known issue',
      closedAt: expect.any(Number),
      memo: 'looking',
    });
    const open = (await call('GET', '/api/v0/alerts')).json.alerts;
    expect(open).toHaveLength(1);
    const withClosed = (await call('GET', '/api/v0/alerts?withClosed=true')).json.alerts;
    expect(withClosed).toHaveLength(3);
    const logs = (await call('GET', `/api/v0/alerts/${nginxAlert.id}/logs`)).json.logs;
    expect(logs.map((l: { status: string; trigger: string }) => `${l.trigger}:${l.status}`)).toEqual([
      'monitoring:OK',
      'monitoring:CRITICAL',
    ]);
  });

  it('answers bad reports and alert calls with Mackerel’s errors, and applies nothing of a bad batch', async () => {
    const host = (await call('POST', '/api/v0/hosts', agentHostBody({ name: 'bad-input' }))).json.id;
    const t = now();
    const bad: [unknown, number][] = [
      [{ reports: [report(host, 'ok-name', 'BROKEN', t)] }, 400],
      [{ reports: [report(host, 'bad name!', 'OK', t)] }, 400],
      [{ reports: [{ ...report(host, 'x', 'OK', t), occurredAt: 'yesterday' }] }, 400],
      [{ reports: [{ ...report(host, 'x', 'OK', t), message: 'm'.repeat(5000) }] }, 400],
      [{ reports: Array.from({ length: 101 }, () => report(host, 'x', 'OK', t)) }, 400],
      [{ reports: [report(host, 'fine', 'CRITICAL', t), report('not-a-host', 'fine', 'CRITICAL', t)] }, 404],
      [{ reports: [{ ...report(host, 'x', 'OK', t), source: { type: 'service', hostId: host } }] }, 400],
      ['[[[[[[[[[[]]]]]]]]]]', 400],
    ];
    for (const [body, status] of bad) {
      const res = await call('POST', '/api/v0/monitoring/checks/report', body);
      expect(res.status, JSON.stringify(body).slice(0, 60)).toBe(status);
      expect(typeof res.json.error.message).toBe('string');
    }
    expect(
      (await call('GET', '/api/v0/monitoring/checks')).json.checks.map((c: { name: string }) => c.name),
    ).not.toContain('fine');
    expect((await call('GET', '/api/v0/alerts?limit=101')).status).toBe(400);
    expect((await call('GET', '/api/v0/alerts?nextId=%7B%7D')).status).toBe(400);
    expect((await call('GET', '/api/v0/alerts/nope')).status).toBe(404);
    expect((await call('POST', '/api/v0/alerts/nope/close', { reason: 'x' })).status).toBe(404);
    expect((await call('PUT', '/api/v0/alerts/nope', { memo: 'x' })).status).toBe(404);
    expect((await call('GET', '/api/v0/monitoring/checks/nope')).status).toBe(404);
    expect((await call('GET', '/api/v0/hosts/nope/monitored-statuses')).status).toBe(404);
  });
});
