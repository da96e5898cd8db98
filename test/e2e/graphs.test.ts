import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wildcardMatcher } from '#shared/domain/graphs.ts';
import { goJson } from '../fixtures/agent.ts';
import { type clientFor, startServerWithShop, type TestServer } from '../support/local-server.ts';

describe('graph definitions and annotations', () => {
  let server: TestServer;
  let call: ReturnType<typeof clientFor>;

  beforeAll(async () => {
    ({ server, call } = await startServerWithShop());
  });
  afterAll(() => server.destroy());

  it('stores the agent’s graph definitions, with wildcards, and replaces them by name', async () => {
    const defs = [
      {
        name: 'custom.nginx',
        displayName: 'Nginx',
        unit: 'float',
        metrics: [{ name: 'custom.nginx.requests', displayName: 'Requests', isStacked: false }],
      },
      {
        name: 'custom.wild.#',
        unit: 'integer',
        metrics: [{ name: 'custom.wild.#.foo', displayName: 'foo %1', isStacked: true }],
      },
    ];
    expect((await call('POST', '/api/v0/graph-defs/create', goJson(defs))).json).toEqual({ success: true });
    await call('POST', '/api/v0/graph-defs/create', [{ ...defs[0], displayName: 'Nginx v2' }]);
    const stored = await server.runtime.deps.entities.graphDefs.list('default');
    expect(stored.find((d) => d.name === 'custom.nginx')?.displayName).toBe('Nginx v2');
    expect(stored.find((d) => d.name === 'custom.wild.#')?.metrics[0]).toEqual({
      name: 'custom.wild.#.foo',
      displayName: 'foo %1',
      isStacked: true,
    });
  });

  it('reads the definitions back for the console (GET /graph-defs)', async () => {
    const { graphDefs } = (await call('GET', '/api/v0/graph-defs')).json as { graphDefs: { name: string }[] };
    expect(graphDefs.map((d) => d.name)).toEqual(expect.arrayContaining(['custom.nginx', 'custom.wild.#']));
  });

  it('evaluates an expression over a range for graphs, and refuses a broken one with 400', async () => {
    const now = Math.floor(Date.now() / 1000 / 60) * 60;
    const ids: string[] = [];
    for (const [i, name] of ['ex-1', 'ex-2'].entries()) {
      const { id } = (await call('POST', '/api/v0/hosts', { name, meta: {}, roleFullnames: ['shop:web'] }))
        .json as {
        id: string;
      };
      ids.push(id);
      await call('POST', '/api/v0/tsdb', [
        { hostId: id, name: 'loadavg5', time: now - 120, value: 1 + i },
        { hostId: id, name: 'loadavg5', time: now - 60, value: 3 + i },
      ]);
    }
    const read = async (expression: string) =>
      call(
        'GET',
        `/api/v0/expression?expression=${encodeURIComponent(expression)}&from=${now - 600}&to=${now}`,
      );
    const avg = (await read('avg(role(shop:web, loadavg5))')).json as {
      series: { time: number; value: number }[][];
    };
    expect(avg.series).toEqual([
      [
        { time: now - 120, value: 1.5 },
        { time: now - 60, value: 3.5 },
      ],
    ]);
    const both = (await read('group(role(shop:web, loadavg5))')).json as { series: unknown[] };
    expect(both.series).toHaveLength(2);
    const scaled = (await read(`scale(host(${ids[0]}, loadavg5), 10)`)).json as {
      series: { value: number }[][];
    };
    expect(scaled.series[0]?.map((p) => p.value)).toEqual([10, 30]);
    const broken = await read('avg(role(shop:web, loadavg5)');
    expect(broken.status).toBe(400);
    expect((broken.json as { error: { message: string } }).error.message).toMatch(/Invalid expression/);
  });

  it('refuses bad definitions as a whole, and deletes by name (400 when absent)', async () => {
    const bad = [
      [{ name: 'nginx', metrics: [{ name: 'nginx.x', isStacked: false }] }],
      [{ name: 'custom.#.#', metrics: [{ name: 'custom.#.#.x', isStacked: false }] }],
      [{ name: 'custom.a', metrics: [{ name: 'custom.b.x', isStacked: false }] }],
      [{ name: 'custom.a', unit: 'parsecs', metrics: [{ name: 'custom.a.x', isStacked: false }] }],
      [
        { name: 'custom.ok', metrics: [{ name: 'custom.ok.x', isStacked: false }] },
        { name: 'custom.a', metrics: [] },
      ],
      [{ name: '', metrics: [{ name: 'custom.a.x', isStacked: false }] }],
      [{ name: 'custom.a', metrics: [{ name: '', isStacked: false }] }],
    ];
    for (const body of bad)
      expect((await call('POST', '/api/v0/graph-defs/create', body)).status, JSON.stringify(body)).toBe(400);
    const emptyName = await call('DELETE', '/api/v0/graph-defs', { name: '' });
    expect(emptyName.status).toBe(400);
    expect(emptyName.json.error.message).toMatch(/name is required/);
    expect((await server.runtime.deps.entities.graphDefs.list('default')).map((d) => d.name)).not.toContain(
      'custom.ok',
    );
    expect((await call('DELETE', '/api/v0/graph-defs', { name: 'custom.nginx' })).json).toEqual({
      success: true,
    });
    expect((await call('DELETE', '/api/v0/graph-defs', { name: 'custom.nginx' })).status).toBe(400);
  });

  it('matches wildcards on whole segments only', () => {
    const m = wildcardMatcher('custom.wild.#.foo');
    expect(m.test('custom.wild.eth0.foo')).toBe(true);
    expect(m.test('custom.wild.a.b.foo')).toBe(false);
    expect(wildcardMatcher('access_num.*').test('access_num.4xx')).toBe(true);
  });

  it('keeps deploy annotations per service and returns those meeting the window', async () => {
    const created = await call('POST', '/api/v0/graph-annotations', {
      title: 'deploy v42',
      description: 'git 3f9c2ab',
      from: 1000,
      to: 1060,
      service: 'shop',
      roles: ['web'],
    });
    expect(created.status).toBe(200);
    const { id } = created.json;
    expect(created.json).toEqual({
      id,
      title: 'deploy v42',
      description: 'git 3f9c2ab',
      from: 1000,
      to: 1060,
      service: 'shop',
      roles: ['web'],
    });
    await call('POST', '/api/v0/graph-annotations', {
      title: 'later',
      from: 5000,
      to: 5000,
      service: 'shop',
    });

    const window = await call('GET', '/api/v0/graph-annotations?service=shop&from=1050&to=2000');
    expect(window.json.graphAnnotations.map((a: { title: string }) => a.title)).toEqual(['deploy v42']);
    expect((await call('GET', '/api/v0/graph-annotations?service=shop&from=1')).status).toBe(400);
    expect((await call('GET', '/api/v0/graph-annotations?service=none&from=1&to=2')).status).toBe(404);

    const updated = await call('PUT', `/api/v0/graph-annotations/${id}`, {
      title: 'deploy v43',
      from: 1000,
      to: 1100,
      service: 'shop',
    });
    expect(updated.json).toMatchObject({ id, title: 'deploy v43', to: 1100 });
    expect((await call('DELETE', `/api/v0/graph-annotations/${id}`)).json.title).toBe('deploy v43');
    expect((await call('DELETE', `/api/v0/graph-annotations/${id}`)).status).toBe(404);
  });

  it('refuses bad annotations: unknown service or role, from after to, long title', async () => {
    const base = { title: 't', from: 1, to: 2, service: 'shop' };
    expect((await call('POST', '/api/v0/graph-annotations', { ...base, service: 'nope' })).status).toBe(404);
    expect((await call('POST', '/api/v0/graph-annotations', { ...base, roles: ['nope'] })).status).toBe(404);
    expect((await call('POST', '/api/v0/graph-annotations', { ...base, from: 3 })).status).toBe(400);
    expect(
      (await call('POST', '/api/v0/graph-annotations', { ...base, title: 'x'.repeat(251) })).status,
    ).toBe(400);
    expect(
      (await call('POST', '/api/v0/graph-annotations', { ...base, description: 'x'.repeat(1025) })).status,
    ).toBe(400);
  });

  it('deletes a service graph: its metrics leave the names until they are posted again', async () => {
    const now = Math.floor(Date.now() / 1000);
    const post = () =>
      call('POST', '/api/v0/services/shop/tsdb', [
        { name: 'access_num.2xx', time: now, value: 1 },
        { name: 'access_num.5xx', time: now, value: 0 },
        { name: 'latency.p99', time: now, value: 0.2 },
      ]);
    await post();
    expect((await call('DELETE', '/api/v0/services/shop/graph-defs/access_num.*')).json).toEqual({
      success: true,
    });
    expect((await call('GET', '/api/v0/services/shop/metric-names')).json.names).toEqual(['latency.p99']);
    expect((await call('DELETE', '/api/v0/services/shop/graph-defs/access_num.*')).status).toBe(404);
    await post();
    expect((await call('GET', '/api/v0/services/shop/metric-names')).json.names).toHaveLength(3);
  });
});
