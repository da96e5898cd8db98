import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '#shared/use-cases/admin.ts';
import { agentHostBody } from '../fixtures/agent.ts';
import { clientFor, startTestServer, type TestServer } from '../support/local-server.ts';

describe('hosts API', () => {
  let server: TestServer;
  let call: ReturnType<typeof clientFor>;
  const register = async (overrides: Record<string, unknown> = {}) => {
    const res = await call('POST', '/api/v0/hosts', agentHostBody(overrides));
    expect(res.status).toBe(200);
    return res.json.id as string;
  };
  const getHost = async (id: string) => (await call('GET', `/api/v0/hosts/${id}`)).json.host;

  beforeAll(async () => {
    server = await startTestServer();
    call = clientFor(server, server.key);
  });
  afterAll(() => server.destroy());

  it('keeps displayName and memo when PUT omits them and overwrites them when present', async () => {
    const id = await register({ name: 'keep', displayName: 'Keep me', memo: 'note' });
    await call('PUT', `/api/v0/hosts/${id}`, agentHostBody({ name: 'keep2' }));
    let host = await getHost(id);
    expect([host.name, host.displayName, host.memo]).toEqual(['keep2', 'Keep me', 'note']);
    await call('PUT', `/api/v0/hosts/${id}`, agentHostBody({ name: 'keep2', displayName: 'New', memo: '' }));
    host = await getHost(id);
    expect([host.displayName, host.memo]).toEqual(['New', '']);
  });

  it('clears a custom identifier on null or "" and keeps it when the key is absent', async () => {
    const id = await register({ name: 'ci', customIdentifier: 'ci-keep' });
    await call('PUT', `/api/v0/hosts/${id}`, agentHostBody({ name: 'ci' }));
    expect((await getHost(id)).customIdentifier).toBe('ci-keep');
    await call('PUT', `/api/v0/hosts/${id}`, agentHostBody({ name: 'ci', customIdentifier: null }));
    expect((await getHost(id)).customIdentifier).toBeUndefined();
    // released: another host may take it now
    expect((await call('POST', '/api/v0/hosts', agentHostBody({ customIdentifier: 'ci-keep' }))).status).toBe(
      200,
    );
  });

  it('refuses a second live host with the same custom identifier, and frees it on retire', async () => {
    const first = await register({ customIdentifier: 'dup-ci' });
    const dup = await call('POST', '/api/v0/hosts', agentHostBody({ customIdentifier: 'dup-ci' }));
    expect(dup.status).toBe(409);
    expect(dup.json.error.message).toContain(first);
    await call('POST', `/api/v0/hosts/${first}/retire`, null);
    expect((await call('POST', '/api/v0/hosts', agentHostBody({ customIdentifier: 'dup-ci' }))).status).toBe(
      200,
    );
  });

  it('filters the list by service, repeated role, name and repeated status (default working+standby)', async () => {
    const a = await register({ name: 'f-a', roleFullnames: ['filt:web'] });
    const b = await register({ name: 'f-b', roleFullnames: ['filt:db'] });
    const c = await register({ name: 'f-c', roleFullnames: ['filt:batch', 'other:xx'] });
    await call('POST', `/api/v0/hosts/${c}/status`, { status: 'maintenance' });
    const ids = async (q: string) =>
      ((await call('GET', `/api/v0/hosts?${q}`)).json.hosts as { id: string }[]).map((h) => h.id).sort();

    expect(await ids('service=filt')).toEqual([a, b].sort());
    expect(await ids('service=filt&role=web&role=db')).toEqual([a, b].sort());
    expect(await ids('service=filt&role=web')).toEqual([a]);
    expect(await ids('role=web&name=f-b')).toEqual([b]); // role ignored without service
    expect(await ids('service=filt&status=maintenance')).toEqual([c]);
    expect(await ids('service=filt&status=maintenance&status=working')).toEqual([a, b, c].sort());
    expect((await call('GET', '/api/v0/hosts?status=sleeping')).status).toBe(400);
    const alias = await call('GET', '/api/v0/hosts.json?service=filt');
    expect(alias.json.hosts).toHaveLength(2);
  });

  it('bulk status and bulk retire: over 30 ids → 400, an unknown id → 404, and nothing changes', async () => {
    const a = await register({ name: 'bulk-a' });
    const b = await register({ name: 'bulk-b' });
    const tooMany = Array.from({ length: 31 }, () => a);
    expect(
      (await call('POST', '/api/v0/hosts/bulk-update-statuses', { ids: tooMany, status: 'standby' })).status,
    ).toBe(400);
    const unknown = await call('POST', '/api/v0/hosts/bulk-update-statuses', {
      ids: [a, 'missing0001'],
      status: 'standby',
    });
    expect(unknown.status).toBe(404);
    expect((await getHost(a)).status).toBe('working');

    expect(
      (await call('POST', '/api/v0/hosts/bulk-update-statuses', { ids: [a, b], status: 'standby' })).json,
    ).toEqual({
      success: true,
    });
    expect([(await getHost(a)).status, (await getHost(b)).status]).toEqual(['standby', 'standby']);

    expect((await call('POST', '/api/v0/hosts/bulk-retire', { ids: [a, 'missing0001'] })).status).toBe(404);
    expect((await getHost(a)).isRetired).toBe(false);
    expect((await call('POST', '/api/v0/hosts/bulk-retire', { ids: [a, b] })).status).toBe(200);
    expect((await getHost(b)).isRetired).toBe(true);
    expect(typeof (await getHost(b)).retiredAt).toBe('number');
    expect((await call('PUT', `/api/v0/hosts/${a}`, agentHostBody())).status).toBe(404);
  });

  it('replaces roles with role-fullnames, creating services and roles; bad fullnames are 400', async () => {
    const id = await register({ roleFullnames: ['rep:one'] });
    expect(
      (await call('PUT', `/api/v0/hosts/${id}/role-fullnames`, { roleFullnames: ['rep2:two'] })).status,
    ).toBe(200);
    expect((await getHost(id)).roles).toEqual({ rep2: ['two'] });
    const services = (await call('GET', '/api/v0/services')).json.services;
    expect(services.find((s: { name: string }) => s.name === 'rep2')).toEqual({
      name: 'rep2',
      memo: '',
      roles: ['two'],
    });
    for (const bad of ['nocolon', 'a:b', '-x:yy', 'svc:role:extra']) {
      const res = await call('PUT', `/api/v0/hosts/${id}/role-fullnames`, { roleFullnames: [bad] });
      expect(res.status).toBe(400);
    }
    expect((await getHost(id)).roles).toEqual({ rep2: ['two'] });
  });

  it('rejects bad host bodies with 400 and stores nothing', async () => {
    const before = (await call('GET', '/api/v0/hosts?status=working&status=standby')).json.hosts.length;
    const bads: unknown[] = [
      '{"name": ',
      '[]',
      'null',
      { meta: {} },
      { name: '', meta: {} },
      { name: 'x' },
      { name: 42, meta: {} },
      { name: 'x'.repeat(256), meta: {} },
      { name: 'x', meta: {}, roleFullnames: ['bad name:role'] },
      { name: 'x', meta: {}, checks: [{ name: 'bad name' }] },
      { name: 'x', meta: [] },
    ];
    for (const body of bads) {
      const res = await call('POST', '/api/v0/hosts', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(typeof res.json.error.message).toBe('string');
    }
    const after = (await call('GET', '/api/v0/hosts?status=working&status=standby')).json.hosts.length;
    expect(after).toBe(before);
  });

  it('answers deeply nested meta or interfaces with 400, not a stack overflow (5,000 levels)', async () => {
    const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`;
    for (const body of [
      `{"name":"deep","meta":{"x":${deep}}}`,
      `{"name":"deep","meta":{},"interfaces":[{"name":"eth0","x":${deep}}]}`,
      `{"name":"deep","meta":{"s":"${'['.repeat(100)}"}, "x": ${'{"a":'.repeat(65)}1${'}'.repeat(65)}}`,
    ]) {
      const res = await call('POST', '/api/v0/hosts', body);
      expect(res.status).toBe(400);
      expect(res.json.error.message).toMatch(/nested deeper than 64/);
    }
    // Brackets inside strings are text, not nesting.
    expect((await call('POST', '/api/v0/hosts', agentHostBody({ memo: '['.repeat(1000) }))).status).toBe(200);
  });

  it('fills ipAddress and ipv6Address from the agent’s address lists, as Mackerel’s host objects have them', async () => {
    const id = await register({
      interfaces: [
        {
          name: 'eth0',
          macAddress: 'aa:bb',
          ipv4Addresses: ['10.0.0.5', '10.0.0.6'],
          ipv6Addresses: ['fe80::1'],
        },
        { name: 'lo', ipv4Addresses: [], ipv6Addresses: null },
        { name: 'eth1', ipAddress: '192.168.1.9', ipv4Addresses: ['192.168.1.10'] },
      ],
    });
    const [eth0, lo, eth1] = (await getHost(id)).interfaces;
    expect(eth0).toMatchObject({
      ipAddress: '10.0.0.5',
      ipv6Address: 'fe80::1',
      ipv4Addresses: ['10.0.0.5', '10.0.0.6'],
    });
    expect(lo.ipAddress).toBeUndefined();
    expect(eth1.ipAddress).toBe('192.168.1.9');
  });

  it('takes many concurrent writes to one host without a 500 and loses none of them', async () => {
    const id = await register({ name: 'contended' });
    const writes = Array.from({ length: 24 }, (_, i) =>
      i % 3 === 2
        ? call('POST', `/api/v0/hosts/${id}/status`, { status: i % 2 ? 'standby' : 'working' })
        : call(
            'PUT',
            `/api/v0/hosts/${id}`,
            agentHostBody({ name: 'contended', roleFullnames: [`svc:role-${i}`] }),
          ),
    );
    const answers = await Promise.all(writes);
    expect(answers.map((a) => a.status)).toEqual(Array(24).fill(200));
    const roles = (await getHost(id)).roles.svc;
    expect(roles).toEqual(
      Array.from({ length: 24 }, (_, i) => i)
        .filter((i) => i % 3 !== 2)
        .map((i) => `role-${i}`)
        .sort(),
    );
  });

  it('refuses a host spec too large to store with 413', async () => {
    const res = await call(
      'POST',
      '/api/v0/hosts',
      agentHostBody({ meta: { blob: 'x'.repeat(300 * 1024) } }),
    );
    expect(res.status).toBe(413);
    expect(res.json.error.message).toMatch(/256KB/);
  });

  it('accepts null for absent arrays, as client-go sends them', async () => {
    const id = await register({ interfaces: null, roleFullnames: null, checks: null, displayName: null });
    const host = await getHost(id);
    expect(host.interfaces).toEqual([]);
    expect(host.roles).toEqual({});
  });

  it('enforces keys: none → 401, unknown → 403, read-only on a write route → 403', async () => {
    const none = await fetch(`${server.url}/api/v0/org`);
    expect(none.status).toBe(401);
    expect(((await none.json()) as { error: { message: string } }).error.message).toMatch(/API key/);
    const unknown = await clientFor(server, 'not-a-real-key-at-all')('GET', '/api/v0/org');
    expect(unknown.status).toBe(403);
    const { key } = await createApiKey(server.runtime.deps, 'default', 'read', 'ro');
    const ro = clientFor(server, key);
    expect((await ro('GET', '/api/v0/hosts')).status).toBe(200);
    const denied = await ro('POST', '/api/v0/hosts', agentHostBody());
    expect(denied.status).toBe(403);
    expect(denied.json.error.message).toMatch(/permission/);
    // header name is case-insensitive
    const lower = await fetch(`${server.url}/api/v0/org`, { headers: { 'x-api-key': server.key } });
    expect(lower.status).toBe(200);
  });

  it('answers unknown routes with 404 in Mackerel’s shape, and GET /org', async () => {
    const res = await call('GET', '/api/v0/nothing-here');
    expect(res.status).toBe(404);
    expect(res.json).toEqual({ error: { message: 'API Not Found.' } });
    expect((await call('GET', '/api/v0/org')).json).toEqual({
      name: 'default',
      displayName: 'Default organization',
    });
  });

  it('metric-names is an empty list for a host without metrics, 404 for an unknown host', async () => {
    const id = await register();
    expect((await call('GET', `/api/v0/hosts/${id}/metric-names`)).json).toEqual({ names: [] });
    expect((await call('GET', '/api/v0/hosts/unknown0001/metric-names')).status).toBe(404);
  });
});
