import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentHostBody } from '../fixtures/agent.ts';
import { clientFor, startTestServer, type TestServer } from '../support/local-server.ts';

describe('services, roles and metadata', () => {
  let server: TestServer;
  let call: ReturnType<typeof clientFor>;

  beforeAll(async () => {
    server = await startTestServer();
    call = clientFor(server, server.key);
  });
  afterAll(() => server.destroy());

  it('creates, lists and deletes services and roles with Mackerel’s shapes', async () => {
    expect((await call('POST', '/api/v0/services', { name: 'shop', memo: 'the shop' })).json).toEqual({
      name: 'shop',
      memo: 'the shop',
      roles: [],
    });
    expect((await call('POST', '/api/v0/services/shop/roles', { name: 'web', memo: 'front' })).json).toEqual({
      name: 'web',
      memo: 'front',
    });
    await call('POST', '/api/v0/services/shop/roles', { name: 'db' });
    expect((await call('GET', '/api/v0/services')).json.services).toContainEqual({
      name: 'shop',
      memo: 'the shop',
      roles: ['db', 'web'],
    });
    expect((await call('GET', '/api/v0/services/shop/roles')).json.roles).toEqual([
      { name: 'db', memo: '' },
      { name: 'web', memo: 'front' },
    ]);
    expect((await call('DELETE', '/api/v0/services/shop/roles/db')).json).toEqual({ name: 'db', memo: '' });
    expect((await call('DELETE', '/api/v0/services/shop/roles/db')).status).toBe(404);
    expect((await call('DELETE', '/api/v0/services/shop')).json).toEqual({
      name: 'shop',
      memo: 'the shop',
      roles: ['web'],
    });
    expect((await call('GET', '/api/v0/services/shop/roles')).status).toBe(404);
  });

  it('applies the name rules and refuses duplicates', async () => {
    for (const name of ['a', '-abc', '_abc', 'has space', 'x'.repeat(64), 'dot.ted']) {
      expect((await call('POST', '/api/v0/services', { name })).status, name).toBe(400);
    }
    expect((await call('POST', '/api/v0/services', { name: 'x'.repeat(63) })).status).toBe(200);
    expect((await call('POST', '/api/v0/services', { name: 'dupe' })).status).toBe(200);
    expect((await call('POST', '/api/v0/services', { name: 'dupe' })).status).toBe(400);
    expect((await call('POST', '/api/v0/services/nope/roles', { name: 'web' })).status).toBe(404);
    expect((await call('POST', '/api/v0/services/dupe/roles', { name: '_bad' })).status).toBe(400);
  });

  it('deleting a service or role takes it off its hosts', async () => {
    const { id } = (
      await call(
        'POST',
        '/api/v0/hosts',
        agentHostBody({ roleFullnames: ['gone:web', 'gone:db', 'stay:app'] }),
      )
    ).json;
    await call('DELETE', '/api/v0/services/gone/roles/db');
    expect((await call('GET', `/api/v0/hosts/${id}`)).json.host.roles).toEqual({
      gone: ['web'],
      stay: ['app'],
    });
    await call('DELETE', '/api/v0/services/gone');
    expect((await call('GET', `/api/v0/hosts/${id}`)).json.host.roles).toEqual({ stay: ['app'] });
  });

  it('stores metadata verbatim with Last-Modified, lists namespaces, deletes them', async () => {
    const { id } = (await call('POST', '/api/v0/hosts', agentHostBody())).json;
    const text = '{"version":"1.0","n":1.50,"list":[1,"2",null],"nested":{"s":"007"}}';
    expect((await call('PUT', `/api/v0/hosts/${id}/metadata/app-info`, text)).json).toEqual({
      success: true,
    });
    const got = await call('GET', `/api/v0/hosts/${id}/metadata/app-info`);
    expect(got.text).toBe(text);
    expect(Date.parse(got.headers.get('last-modified') ?? '')).toBeGreaterThan(0);
    await call('PUT', `/api/v0/hosts/${id}/metadata/second`, '"just a string"');
    expect((await call('GET', `/api/v0/hosts/${id}/metadata`)).json).toEqual({
      metadata: [{ namespace: 'app-info' }, { namespace: 'second' }],
    });
    expect((await call('DELETE', `/api/v0/hosts/${id}/metadata/second`)).json).toEqual({ success: true });
    expect((await call('GET', `/api/v0/hosts/${id}/metadata/second`)).status).toBe(404);
    expect((await call('DELETE', `/api/v0/hosts/${id}/metadata/second`)).status).toBe(404);
  });

  it('refuses bad metadata: reserved or malformed namespace, invalid JSON, over 100KB, over 50 namespaces', async () => {
    const { id } = (await call('POST', '/api/v0/hosts', agentHostBody())).json;
    const base = `/api/v0/hosts/${id}/metadata`;
    expect((await call('PUT', `${base}/mackerel-x`, '{}')).status).toBe(400);
    expect((await call('PUT', `${base}/bad.ns`, '{}')).status).toBe(400);
    expect((await call('PUT', `${base}/ok`, '{"a":')).status).toBe(400);
    expect((await call('PUT', `${base}/ok`, JSON.stringify({ big: 'x'.repeat(101 * 1024) }))).status).toBe(
      413,
    );
    for (let i = 0; i < 50; i++) expect((await call('PUT', `${base}/ns${i}`, `${i}`)).status).toBe(200);
    expect((await call('PUT', `${base}/ns50`, '1')).status).toBe(400);
    expect((await call('PUT', `${base}/ns7`, '"replaced"')).status).toBe(200);
    expect((await call('GET', `${base}/ns7`)).json).toBe('replaced');
    expect((await call('GET', `${base}/ok`)).status).toBe(404);
  });

  it('keeps service and role metadata, and 404s for unknown targets', async () => {
    await call('POST', '/api/v0/services', { name: 'metasvc' });
    await call('POST', '/api/v0/services/metasvc/roles', { name: 'web' });
    await call('PUT', '/api/v0/services/metasvc/metadata/info', '{"team":"a"}');
    await call('PUT', '/api/v0/services/metasvc/roles/web/metadata/info', '{"team":"b"}');
    expect((await call('GET', '/api/v0/services/metasvc/metadata/info')).json).toEqual({ team: 'a' });
    expect((await call('GET', '/api/v0/services/metasvc/roles/web/metadata/info')).json).toEqual({
      team: 'b',
    });
    expect((await call('GET', '/api/v0/services/metasvc/roles/web/metadata')).json.metadata).toEqual([
      { namespace: 'info' },
    ]);
    expect((await call('PUT', '/api/v0/services/nosvc/metadata/info', '{}')).status).toBe(404);
    expect((await call('PUT', '/api/v0/services/metasvc/roles/norole/metadata/info', '{}')).status).toBe(404);
  });
});
