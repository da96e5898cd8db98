import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey, createOrg } from '#shared/use-cases/admin.ts';
import { agentHostBody, goJson } from '../fixtures/agent.ts';
import { clientFor, startTestServer, type TestServer } from '../support/local-server.ts';

const NAMES = [
  'loadavg1',
  'loadavg5',
  'cpu.user.percentage',
  'memory.used',
  'interface.eth0.rxBytes.delta',
  'custom.nginx.requests',
];

/** One agent tick: every metric at one time, in random order, as the agent sends them. */
const tick = (hostId: string, time: number, seed: number) =>
  NAMES.map((name, i) => ({ hostId, name, time, value: i === 0 ? 0 : (seed * 7 + i) / 3 })).sort(
    () => Math.random() - 0.5,
  );

describe('metrics over HTTP, the way the agent posts them', () => {
  let server: TestServer;
  let call: ReturnType<typeof clientFor>;
  let hostId: string;
  const now = Math.floor(Date.now() / 1000);
  const first = now - 3600 + 3; // the first tick is not minute-aligned

  beforeAll(async () => {
    server = await startTestServer();
    call = clientFor(server, server.key);
    hostId = (await call('POST', '/api/v0/hosts', goJson(agentHostBody({ roleFullnames: ['shop:web'] }))))
      .json.id;
  });
  afterAll(() => server.destroy());

  it('reads an hour of minute-by-minute posts back exactly, oldest first', async () => {
    const times = [first, ...Array.from({ length: 59 }, (_, i) => first - 3 + (i + 1) * 60)];
    // the agent posts one tick a minute; a backlog arrives two ticks per post, out of order
    for (let i = 0; i < times.length; i += 2) {
      const body = [
        ...tick(hostId, times[i] as number, i),
        ...(i + 1 < times.length ? tick(hostId, times[i + 1] as number, i + 1) : []),
      ];
      const res = await call('POST', '/api/v0/tsdb', goJson(body));
      expect(res.status).toBe(200);
      expect(res.json).toEqual({ success: true });
    }
    const res = await call('GET', `/api/v0/hosts/${hostId}/metrics?name=loadavg5&from=${first}&to=${now}`);
    expect(res.status).toBe(200);
    expect(res.json.metrics).toEqual(times.map((time, i) => ({ time, value: (i * 7 + 1) / 3 })));
    const zero = await call('GET', `/api/v0/hosts/${hostId}/metrics?name=loadavg1&from=${first}&to=${first}`);
    expect(zero.json.metrics).toEqual([{ time: first, value: 0 }]);
  });

  it('overwrites on re-post and survives a restart', async () => {
    const t = first + 120 - 3;
    await call('POST', '/api/v0/tsdb', [{ hostId, name: 'loadavg5', time: t, value: 42 }]);
    await call('POST', '/api/v0/tsdb', [{ hostId, name: 'loadavg5', time: t, value: 42 }]); // a retry
    await server.restart();
    const res = await call('GET', `/api/v0/hosts/${hostId}/metrics?name=loadavg5&from=${t}&to=${t}`);
    expect(res.json.metrics).toEqual([{ time: t, value: 42 }]);
  });

  it('lists names and answers tsdb/latest for repeated hostId and name', async () => {
    expect((await call('GET', `/api/v0/hosts/${hostId}/metric-names`)).json.names).toEqual([...NAMES].sort());
    const latest = await call(
      'GET',
      `/api/v0/tsdb/latest?hostId=${hostId}&hostId=unknown0001&name=loadavg5&name=nothing`,
    );
    const newest = first - 3 + 59 * 60;
    expect(latest.json.tsdbLatest).toEqual({
      [hostId]: { loadavg5: { time: newest, value: (59 * 7 + 1) / 3 }, nothing: null },
    });
    expect((await call('GET', `/api/v0/tsdb/latest?name=loadavg5`)).status).toBe(400);
    const names = Array.from({ length: 101 }, (_, i) => `name=m${i}`).join('&');
    const tooMany = await call('GET', `/api/v0/tsdb/latest?hostId=${hostId}&${names}`);
    expect(tooMany.status).toBe(400);
    expect(tooMany.json.error.message).toMatch(/At most 100 name values/);
  });

  it('drops points older than 24 h or over an hour ahead with a 200, and accepts a null body', async () => {
    const res = await call('POST', '/api/v0/tsdb', [
      { hostId, name: 'old.metric', time: now - 86400 - 60, value: 1 },
      { hostId, name: 'future.metric', time: now + 7200, value: 1 },
    ]);
    expect(res.status).toBe(200);
    expect((await call('GET', `/api/v0/hosts/${hostId}/metric-names`)).json.names).not.toContain(
      'old.metric',
    );
    expect((await call('POST', '/api/v0/tsdb', 'null\n')).json).toEqual({ success: true });
  });

  it('refuses a whole body with a bad value, name, or host, and stores none of it', async () => {
    const good = { hostId, name: 'partial.good', time: now - 60, value: 1 };
    const bads = [
      `[${JSON.stringify(good)},{"hostId":"${hostId}","name":"x","time":${now},"value":1e999}]`,
      `[${JSON.stringify(good)},{"hostId":"${hostId}","name":"x","time":${now},"value":NaN}]`,
      [good, { hostId, name: 'x', time: now, value: '1' }],
      [good, { hostId, name: 'bad name', time: now, value: 1 }],
      [good, { hostId, name: 'x', time: 'now', value: 1 }],
      [good, { name: 'x', time: now, value: 1 }],
      { hostId, name: 'x', time: now, value: 1 },
    ];
    for (const body of bads)
      expect((await call('POST', '/api/v0/tsdb', body)).status, JSON.stringify(body)).toBe(400);
    const unknown = await call('POST', '/api/v0/tsdb', [good, { ...good, hostId: 'NoSuchHost1' }]);
    expect(unknown.status).toBe(404);
    expect(unknown.json.error.message).toContain('NoSuchHost1');
    // Made-up host ids: over 100 distinct ones is a 400 before any lookup; up to 100 are one batch.
    const flood = Array.from({ length: 5_000 }, (_, i) => ({ ...good, hostId: `made-up-${i}` }));
    const refused = await call('POST', '/api/v0/tsdb', [good, ...flood]);
    expect(refused.status).toBe(400);
    expect(refused.json.error.message).toMatch(/at most 100 hosts \(this one names 5001\)/);
    const hundred = [good, ...flood.slice(0, 99)];
    const batch = await call('POST', '/api/v0/tsdb', hundred);
    expect(batch.status).toBe(404);
    expect(batch.json.error.message).toContain('made-up-');
    expect((await call('GET', `/api/v0/hosts/${hostId}/metric-names`)).json.names).not.toContain(
      'partial.good',
    );
  });

  it('refuses posts for another organization’s host', async () => {
    await createOrg(server.runtime.deps, 'other');
    const other = clientFor(server, (await createApiKey(server.runtime.deps, 'other', 'write', 'o')).key);
    expect((await other('POST', '/api/v0/tsdb', [{ hostId, name: 'x', time: now, value: 1 }])).status).toBe(
      404,
    );
    expect(
      (await other('GET', `/api/v0/hosts/${hostId}/metrics?name=loadavg5&from=${first}&to=${now}`)).status,
    ).toBe(404);
    expect((await other('GET', `/api/v0/tsdb/latest?hostId=${hostId}&name=loadavg5`)).json).toEqual({
      tsdbLatest: {},
    });
  });

  it('stores and reads service metrics; unknown services are 404', async () => {
    await call('POST', '/api/v0/services', { name: 'checkout' });
    const body = [
      { name: 'access.count', time: now - 120, value: 10 },
      { name: 'access.count', time: now - 60, value: 12 },
    ];
    expect((await call('POST', '/api/v0/services/checkout/tsdb', body)).json).toEqual({ success: true });
    expect((await call('POST', '/api/v0/services/nothing/tsdb', body)).status).toBe(404);
    expect((await call('GET', '/api/v0/services/checkout/metric-names')).json).toEqual({
      names: ['access.count'],
    });
    const read = await call(
      'GET',
      `/api/v0/services/checkout/metrics?name=access.count&from=${now - 600}&to=${now}`,
    );
    expect(read.json.metrics).toEqual([
      { time: now - 120, value: 10 },
      { time: now - 60, value: 12 },
    ]);
    expect(
      (await call('GET', `/api/v0/services/checkout/metrics?name=none&from=${now - 600}&to=${now}`)).status,
    ).toBe(404);
    expect(
      (await call('GET', `/api/v0/services/checkout/metrics?name=access.count&from=${now}&to=${now - 1}`))
        .status,
    ).toBe(400);
  });

  it('reads one metric for every host of a role, and bucket-averages long ranges', async () => {
    const second = (
      await call('POST', '/api/v0/hosts', agentHostBody({ name: 'web-2', roleFullnames: ['shop:web'] }))
    ).json.id;
    await call('POST', '/api/v0/tsdb', [{ hostId: second, name: 'loadavg5', time: now - 60, value: 9 }]);
    const role = await call(
      'GET',
      `/api/v0/services/shop/roles/web/metrics?name=loadavg5&from=${now - 120}&to=${now}`,
    );
    expect(Object.keys(role.json.metrics).sort()).toEqual([hostId, second].sort());
    expect(role.json.metrics[second]).toEqual([{ time: now - 60, value: 9 }]);

    const week = await call(
      'GET',
      `/api/v0/hosts/${hostId}/metrics?name=loadavg5&from=${now - 7 * 86400}&to=${now}`,
    );
    expect(week.json.metrics.length).toBeGreaterThan(0);
    expect(week.json.metrics.length).toBeLessThanOrEqual(1500);
    for (const p of week.json.metrics) expect(p.time % 900).toBe(0);
  });
});
