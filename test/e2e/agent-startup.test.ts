import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentHostBody, goJson } from '../fixtures/agent.ts';
import { clientFor, startTestServer, type TestServer } from '../support/local-server.ts';

/** The stock agent's startup conversation (mackerel-agent-wire.md §3–§4, §10), over real HTTP. */
describe('mackerel-agent startup against the local server', () => {
  let server: TestServer;
  let call: ReturnType<typeof clientFor>;
  const agentHeaders = {
    'User-Agent': 'mackerel-agent/0.87.0 (Revision 92c7c83)',
    'X-Agent-Version': '0.87.0',
  };

  beforeAll(async () => {
    server = await startTestServer();
    call = clientFor(server, server.key);
  });
  afterAll(() => server.destroy());

  it('registers, reads itself back, refreshes its spec, survives a restart, and retires', async () => {
    // 1. POST /api/v0/hosts with the agent's body (Go encoding, trailing newline).
    const created = await call('POST', '/api/v0/hosts', goJson(agentHostBody()), agentHeaders);
    expect(created.status).toBe(200);
    const id: string = created.json.id;
    expect(id).toMatch(/^[1-9A-HJ-NP-Za-km-z]{11}$/);

    // 2. GET /api/v0/hosts/<id>: the agent keeps this id; types must match client-go's Host struct.
    const got = await call('GET', `/api/v0/hosts/${id}`, undefined, agentHeaders);
    expect(got.status).toBe(200);
    const host = got.json.host;
    expect(host.id).toBe(id);
    expect(host.name).toBe('app-01.example.internal');
    expect(host.status).toBe('working');
    expect(host.roles).toEqual({ shop: ['web'] });
    expect(Number.isInteger(host.createdAt)).toBe(true);
    expect(host.createdAt).toBeLessThan(2 ** 31);
    expect(host.meta.kernel.release).toBe('6.1.0-28-amd64');
    expect(host.meta.memory.total).toBe('3916792kB');
    expect(host.meta.cpu[0].mhz).toBe('2394.454');
    expect(host.meta.filesystem['/dev/vda1'].kb_size).toBe(51475068);
    expect(host.interfaces[0].ipv4Addresses).toEqual(['192.168.122.45']);
    expect(host.isRetired).toBe(false);

    // 3. PUT spec refresh: no memo, no displayName, no roles → stored ones kept, meta replaced.
    await call('PUT', `/api/v0/hosts/${id}/role-fullnames`, { roleFullnames: ['shop:web', 'shop:batch'] });
    const refresh = agentHostBody({
      roleFullnames: [],
      meta: { ...(agentHostBody().meta as object), 'agent-version': '0.87.1' },
    });
    const put = await call('PUT', `/api/v0/hosts/${id}`, goJson(refresh), agentHeaders);
    expect(put.status).toBe(200);
    expect(put.json).toEqual({ id });
    const afterPut = (await call('GET', `/api/v0/hosts/${id}`)).json.host;
    expect(afterPut.roles).toEqual({ shop: ['batch', 'web'] });
    expect(afterPut.meta['agent-version']).toBe('0.87.1');

    // 4. A restart in the middle: the agent only GETs its id, which must still be there.
    await server.restart();
    const again = await call('GET', `/api/v0/hosts/${id}`, undefined, agentHeaders);
    expect(again.status).toBe(200);
    expect(again.json.host.roles).toEqual({ shop: ['batch', 'web'] });

    // 5. `mackerel-agent retire`: body `null` with a JSON content type.
    const retired = await call('POST', `/api/v0/hosts/${id}/retire`, 'null\n', agentHeaders);
    expect(retired.status).toBe(200);
    expect(retired.json).toEqual({ success: true });
    const listed = await call(
      'GET',
      '/api/v0/hosts?status=working&status=standby&status=maintenance&status=poweroff',
    );
    expect(listed.json.hosts.map((h: { id: string }) => h.id)).not.toContain(id);
    // A retried retire (response lost) still succeeds.
    expect((await call('POST', `/api/v0/hosts/${id}/retire`, 'null\n')).status).toBe(200);
  });

  it('finds a cloud host by custom identifier exactly, with all four statuses, and adopts nothing foreign', async () => {
    const ci = 'i-0abc123.ec2.amazonaws.com';
    const lookup = `/api/v0/hosts?customIdentifier=${encodeURIComponent(ci)}&status=working&status=standby&status=maintenance&status=poweroff`;
    expect((await call('GET', lookup)).json).toEqual({ hosts: [] });

    const { id } = (
      await call('POST', '/api/v0/hosts', goJson(agentHostBody({ name: 'ec2-a', customIdentifier: ci })))
    ).json;
    await call('POST', '/api/v0/hosts', goJson(agentHostBody({ name: 'ec2-b', customIdentifier: `${ci}x` })));
    await call('POST', `/api/v0/hosts/${id}/status`, { status: 'poweroff' });

    const found = await call('GET', lookup);
    expect(found.json.hosts.map((h: { id: string }) => h.id)).toEqual([id]);
    expect(found.json.hosts[0].customIdentifier).toBe(ci);
    // poweroff is not in the default status filter
    expect(
      (await call('GET', `/api/v0/hosts?customIdentifier=${encodeURIComponent(ci)}`)).json.hosts,
    ).toEqual([]);

    const byPath = await call('GET', `/api/v0/hosts-by-custom-identifier/${encodeURIComponent(ci)}`);
    expect(byPath.json.host.id).toBe(id);
  });

  it('resolves a custom identifier holding a slash (%2F) and matches case-insensitively on request', async () => {
    const ci = 'projects/p1/Zones/z/vm-9.gce.cloud.google.com';
    const { id } = (await call('POST', '/api/v0/hosts', agentHostBody({ name: 'gce', customIdentifier: ci })))
      .json;
    const exact = await call('GET', `/api/v0/hosts-by-custom-identifier/${encodeURIComponent(ci)}`);
    expect(exact.json.host.id).toBe(id);
    const lower = encodeURIComponent(ci.toLowerCase());
    expect((await call('GET', `/api/v0/hosts-by-custom-identifier/${lower}`)).status).toBe(404);
    expect(
      (await call('GET', `/api/v0/hosts-by-custom-identifier/${lower}?caseInsensitive=true`)).json.host.id,
    ).toBe(id);
  });

  it('answers an unknown host id with 404 and Mackerel’s error body (the agent then stops)', async () => {
    const res = await call('GET', '/api/v0/hosts/NoSuchHost1');
    expect(res.status).toBe(404);
    expect(res.json).toEqual({ error: { message: 'Host Not Found.' } });
  });
});
