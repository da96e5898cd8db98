import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SENSITIVITY_THRESHOLDS } from '#shared/domain/monitoring/anomaly/sensitivity.ts';
import { createApiKey } from '#shared/use-cases/admin.ts';
import { MONITORS_OF_EVERY_TYPE } from '../fixtures/monitors.ts';
import { clientFor, startServerWithShop, type TestServer } from '../support/local-server.ts';

describe('monitors API', () => {
  let server: TestServer;
  let call: ReturnType<typeof clientFor>;
  beforeAll(async () => {
    ({ server, call } = await startServerWithShop());
  });
  afterAll(() => server.destroy());

  it('starts with a connectivity monitor; creates every type (unwrapped), reads one wrapped, lists by type then name', async () => {
    const first = await call('GET', '/api/v0/monitors');
    expect(first.json.monitors).toEqual([
      { id: expect.any(String), type: 'connectivity', name: 'connectivity' },
    ]);
    const created = [];
    for (const m of MONITORS_OF_EVERY_TYPE) {
      const res = await call('POST', '/api/v0/monitors', m);
      expect(res.status, JSON.stringify(res.json)).toBe(200);
      expect(res.json).toEqual({ ...m, id: expect.any(String) });
      created.push(res.json);
    }
    const one = await call('GET', `/api/v0/monitors/${created[4].id}`);
    expect(one.json).toEqual({ monitor: created[4] });
    const list = (await call('GET', '/api/v0/monitors')).json.monitors;
    expect(list.map((m: { type: string; name: string }) => `${m.type}/${m.name}`)).toEqual([
      'connectivity/connectivity',
      'connectivity/web connectivity',
      'host/load',
      'host/memory',
      'service/errors',
      'external/api',
      'expression/role load',
    ]);
  });

  it('PUT replaces the monitor, keeps alertStatusOnGone and headers when omitted, and refuses a type change', async () => {
    const m = (await call('POST', '/api/v0/monitors', MONITORS_OF_EVERY_TYPE[0])).json;
    const put = await call('PUT', `/api/v0/monitors/${m.id}`, { type: 'connectivity', name: 'renamed' });
    expect(put.json).toEqual({
      id: m.id,
      type: 'connectivity',
      name: 'renamed',
      alertStatusOnGone: 'WARNING',
    });
    const ext = (await call('POST', '/api/v0/monitors', MONITORS_OF_EVERY_TYPE[4])).json;
    const put2 = await call('PUT', `/api/v0/monitors/${ext.id}`, {
      type: 'external',
      name: 'api',
      url: 'https://api.example.com/',
      headers: null,
    });
    expect(put2.json.headers).toEqual([{ name: 'X-A', value: 'b' }]);
    expect(put2.json.isMute).toBeUndefined();
    const change = await call('PUT', `/api/v0/monitors/${m.id}`, MONITORS_OF_EVERY_TYPE[1]);
    expect(change.status).toBe(400);
    expect(change.json.error.message).toMatch(/type of a monitor cannot change/);
    const del = await call('DELETE', `/api/v0/monitors/${m.id}`);
    expect(del.json).toMatchObject({ id: m.id, name: 'renamed' });
    expect((await call('GET', `/api/v0/monitors/${m.id}`)).status).toBe(404);
    expect((await call('DELETE', `/api/v0/monitors/${m.id}`)).status).toBe(404);
  });

  it('refuses bad monitors with a clear 400 and stores nothing', async () => {
    const before = (await call('GET', '/api/v0/monitors')).json.monitors.length;
    const host = MONITORS_OF_EVERY_TYPE[1] as Record<string, unknown>;
    const bad: [unknown, RegExp][] = [
      [{ ...host, type: 'telepathy' }, /Invalid monitor type/],
      [{ ...host, type: 'query' }, /query/],
      [{ ...host, type: 'query', query: 'sum(' }, /Invalid query/],
      [{ ...host, type: undefined }, /type/],
      [{ ...host, duration: 11 }, /duration/],
      [{ ...host, duration: '3' }, /duration/],
      [{ ...host, maxCheckAttempts: 0 }, /maxCheckAttempts/],
      [{ ...host, notificationInterval: 5 }, /notificationInterval/],
      [{ ...host, operator: '>=' }, /operator/],
      [{ ...host, warning: null, critical: null }, /warning or critical/],
      [{ ...host, metric: 'cpu%', critical: 150 }, /between 0 and 100/],
      [{ ...host, scopes: ['nosuch'] }, /does not exist/],
      [{ ...host, scopes: ['shop:nosuch'] }, /does not exist/],
      [{ ...host, name: 'x'.repeat(10_000) }, /name/],
      [{ ...host, memo: 'x'.repeat(2049) }, /memo/],
      [{ ...MONITORS_OF_EVERY_TYPE[3], service: 'nosuch' }, /does not exist/],
      [{ ...MONITORS_OF_EVERY_TYPE[3], missingDurationCritical: 15 }, /multiple of 10/],
      [{ ...MONITORS_OF_EVERY_TYPE[4], url: 'ftp://x' }, /url/],
      [{ ...MONITORS_OF_EVERY_TYPE[4], responseTimeDuration: undefined }, /responseTimeDuration/],
      [{ ...MONITORS_OF_EVERY_TYPE[5], expression: 'avg(' }, /Invalid expression/],
      [
        { ...MONITORS_OF_EVERY_TYPE[5], expression: `${'avg('.repeat(200)}host("a","b")${')'.repeat(200)}` },
        /Invalid expression/,
      ],
      [{ ...host, scopes: [[[[['deep']]]]] }, /scopes/],
      ['"just a string"', /type/],
    ];
    for (const [body, message] of bad) {
      const res = await call('POST', '/api/v0/monitors', body);
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(res.json.error.message).toMatch(message);
    }
    expect((await call('GET', '/api/v0/monitors')).json.monitors).toHaveLength(before);
  });

  it('runs anomaly detection per role: Mackerel’s shape back, and a 400 naming what is wrong', async () => {
    const before = (await call('GET', '/api/v0/monitors')).json.monitors.length;
    const refused = async (body: Record<string, unknown>, message: RegExp) => {
      const res = await call('POST', '/api/v0/monitors', { type: 'anomalyDetection', name: 'ad', ...body });
      expect(res.status, JSON.stringify(res.json)).toBe(400);
      expect(res.json).toEqual({ error: { message: expect.stringMatching(message) } });
    };
    await refused({ scopes: ['shop:web'], warningSensitivity: 'normal' }, /has 0 hosts: .*at least 3/);
    const hosts = [];
    for (const name of ['ad-1', 'ad-2', 'ad-3'])
      hosts.push(
        (await call('POST', '/api/v0/hosts', { name, meta: {}, roleFullnames: ['shop:web'] })).json.id,
      );
    await refused({ scopes: ['shop'], warningSensitivity: 'normal' }, /names a service/);
    await refused({ scopes: [hosts[0]], warningSensitivity: 'normal' }, /names a host/);
    await refused({ scopes: ['shop:web'] }, /warningSensitivity or criticalSensitivity/);
    await refused({ scopes: ['shop:web'], warningSensitivity: 'paranoid' }, /warningSensitivity/);
    await refused({ warningSensitivity: 'normal' }, /scopes/);
    const now = Math.floor(Date.now() / 1000);
    await refused(
      { scopes: ['shop:web'], criticalSensitivity: 'normal', trainingPeriodFrom: now + 600 },
      /future/,
    );
    await refused(
      { scopes: ['shop:web'], criticalSensitivity: 'normal', trainingPeriodFrom: now - 600 },
      /less than a day/,
    );
    expect((await call('GET', '/api/v0/monitors')).json.monitors).toHaveLength(before);

    const body = {
      type: 'anomalyDetection',
      name: 'web anomalies',
      memo: 'the odd host of web',
      scopes: ['shop: web'],
      warningSensitivity: 'sensitive',
      criticalSensitivity: 'insensitive',
      trainingPeriodFrom: now - 7 * 86400,
      notificationInterval: 60,
      isMute: false,
    };
    const created = await call('POST', '/api/v0/monitors', body);
    expect(created.json).toEqual({
      ...body,
      scopes: ['shop:web'],
      maxCheckAttempts: 3,
      id: expect.any(String),
    });
    expect((await call('GET', `/api/v0/monitors/${created.json.id}`)).json).toEqual({
      monitor: created.json,
    });
    await refused(
      { scopes: ['shop:web'], warningSensitivity: 'normal' },
      /already watched by .*"web anomalies"/,
    );
    const anomalies = await call('GET', '/api/v0/services/shop/roles/web/anomalies');
    expect(anomalies.json).toEqual({
      anomalyDetection: {
        monitor: { id: created.json.id, name: 'web anomalies' },
        threshold: SENSITIVITY_THRESHOLDS.sensitive,
        at: null,
        hosts: [],
      },
    });
    expect((await call('DELETE', `/api/v0/monitors/${created.json.id}`)).json.id).toBe(created.json.id);
    expect((await call('GET', '/api/v0/services/shop/roles/web/anomalies')).json).toEqual({
      anomalyDetection: null,
    });
    await call('POST', '/api/v0/hosts/bulk-retire', { ids: hosts });
  });

  it('a read-only key reads monitors but cannot write them', async () => {
    const { key } = await createApiKey(server.runtime.deps, 'default', 'read', 'viewer');
    const ro = clientFor(server, key);
    expect((await ro('GET', '/api/v0/monitors')).status).toBe(200);
    expect((await ro('POST', '/api/v0/monitors', MONITORS_OF_EVERY_TYPE[1])).status).toBe(403);
  });
});
