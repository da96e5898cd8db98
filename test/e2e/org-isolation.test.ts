import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '#shared/http/routes.ts';
import { createApiKey, createOrg } from '#shared/use-cases/admin.ts';
import { agentHostBody } from '../fixtures/agent.ts';
import { clientFor, startTestServer, type TestServer } from '../support/local-server.ts';

/**
 * Every route of the table, called with another organization's key and organization A's ids and
 * names: nothing of A may be read or changed.
 */
describe('cross-organization isolation, for every route', () => {
  let server: TestServer;
  let a: ReturnType<typeof clientFor>;
  let b: ReturnType<typeof clientFor>;
  let hostId: string;
  const MARK = 'org-a-secret-marker';

  const snapshot = async () => ({
    host: (await a('GET', `/api/v0/hosts/${hostId}`)).json,
    hosts: (await a('GET', '/api/v0/hosts')).json,
    services: (await a('GET', '/api/v0/services')).json,
    roles: (await a('GET', '/api/v0/services/alpha/roles')).json,
    hostMeta: (await a('GET', `/api/v0/hosts/${hostId}/metadata/info`)).text,
    serviceMeta: (await a('GET', '/api/v0/services/alpha/metadata/info')).text,
    roleMeta: (await a('GET', '/api/v0/services/alpha/roles/web/metadata/info')).text,
    metrics: (await a('GET', `/api/v0/hosts/${hostId}/metrics?name=loadavg5&from=0&to=${2 ** 32 - 1}`)).json,
    names: (await a('GET', `/api/v0/hosts/${hostId}/metric-names`)).json,
  });

  beforeAll(async () => {
    server = await startTestServer();
    a = clientFor(server, server.key);
    await createOrg(server.runtime.deps, 'other-org');
    b = clientFor(server, (await createApiKey(server.runtime.deps, 'other-org', 'write', 'b')).key);
    hostId = (
      await a(
        'POST',
        '/api/v0/hosts',
        agentHostBody({ customIdentifier: 'ci-alpha', memo: MARK, roleFullnames: ['alpha:web'] }),
      )
    ).json.id;
    await a('PUT', `/api/v0/hosts/${hostId}/metadata/info`, JSON.stringify({ MARK }));
    await a('PUT', '/api/v0/services/alpha/metadata/info', JSON.stringify({ MARK }));
    await a('PUT', '/api/v0/services/alpha/roles/web/metadata/info', JSON.stringify({ MARK }));
    await a('POST', '/api/v0/tsdb', [
      { hostId, name: 'loadavg5', time: Math.floor(Date.now() / 1000) - 60, value: 1.5 },
    ]);
  });
  afterAll(() => server.destroy());

  it('leaves organization A untouched and unseen', async () => {
    const before = await snapshot();
    expect(before.host.host.memo).toBe(MARK);
    const params: Record<string, string> = {
      hostId,
      serviceName: 'alpha',
      roleName: 'web',
      namespace: 'info',
      customIdentifier: 'ci-alpha',
    };
    const body = {
      ...agentHostBody({ name: 'b-host' }),
      ids: [hostId],
      status: 'poweroff',
      roleFullnames: ['alpha:web'],
    };
    for (const route of ROUTES) {
      const path = route.path.replace(/\{(\w+)\+?\}/g, (_, name: string) =>
        encodeURIComponent(params[name] ?? ''),
      );
      const now = Math.floor(Date.now() / 1000);
      const query = `?customIdentifier=ci-alpha&hostId=${hostId}&name=loadavg5&from=${now - 600}&to=${now}`;
      const tsdb = [{ hostId, name: 'loadavg5', time: now, value: 666 }];
      const res = await b(
        route.method,
        route.method === 'GET' ? `${path}${query}` : path,
        route.method === 'GET' ? undefined : route.path.endsWith('/tsdb') ? tsdb : body,
      );
      const label = `${route.method} ${route.path} → ${res.status}`;
      expect(res.status, label).toBeLessThan(500);
      // an error may echo the id the caller sent; a success must never carry A's host
      if (res.status < 400) expect(res.text, label).not.toContain(hostId);
      expect(res.text, label).not.toContain(MARK);
      if (route.path.includes('{')) {
        // Any route naming one of A's entities must not find it (B's own "alpha" may exist by now).
        if (route.path.includes('{hostId}') || route.path.includes('{customIdentifier+}')) {
          expect(res.status, label).toBe(404);
        }
      }
    }
    expect(await snapshot()).toEqual(before);
  });
});
