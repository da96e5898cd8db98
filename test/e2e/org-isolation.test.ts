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
      const res = await b(
        route.method,
        route.method === 'GET' ? `${path}?customIdentifier=ci-alpha` : path,
        route.method === 'GET' ? undefined : body,
      );
      const label = `${route.method} ${route.path} → ${res.status}`;
      expect(res.status, label).toBeLessThan(500);
      expect(res.text, label).not.toContain(hostId);
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
