import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '#shared/use-cases/admin.ts';
import { clientFor, startServerWithShop, type TestServer } from '../support/local-server.ts';

describe('embeddable graphs: signed, expiring, revocable links that need no key', () => {
  let server: TestServer;
  let call: ReturnType<typeof clientFor>;
  const now = Math.floor(Date.now() / 1000);

  beforeAll(async () => {
    ({ server, call } = await startServerWithShop());
    for (const name of ['web-a', 'web-b']) {
      const { id } = (await call('POST', '/api/v0/hosts', { name, meta: {}, roleFullnames: ['shop:web'] }))
        .json as {
        id: string;
      };
      await call('POST', '/api/v0/tsdb', [
        { hostId: id, name: 'loadavg5', time: now - 120, value: 1 },
        { hostId: id, name: 'loadavg5', time: now - 60, value: 2 },
      ]);
    }
  });
  afterAll(() => server.destroy());

  const create = async (over: Record<string, unknown> = {}) =>
    (
      await call('POST', '/api/v0/embeds', {
        title: 'web load',
        graph: { type: 'role', roleFullname: 'shop:web', name: 'loadavg5' },
        range: { type: 'relative', period: 3600 },
        expiresAt: now + 86400,
        ...over,
      })
    ).json as { id: string; url: string };
  /** The link as a stranger opens it: no key. */
  const open = (url: string) => fetch(`${server.url}${url}`);

  it('draws the role’s graph as SVG for anyone with the link, one line per host', async () => {
    const { url } = await create();
    expect(url).toMatch(/^\/embed\/[\w-]+\.[\w-]+$/);
    const res = await open(url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
    const svg = await res.text();
    expect(svg.match(/<polyline class="series"/g)).toHaveLength(2);
    expect(svg).toContain('web-a');
    expect(svg).not.toMatch(/<script/i);
  });

  it('answers 403, naming nothing of the graph, to an altered link', async () => {
    const { url } = await create();
    const [payload = '', signature = ''] = url.slice('/embed/'.length).split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    claims.g.name = 'memory.used';
    const forged = `/embed/${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
    const res = await open(forged);
    expect(res.status).toBe(403);
    const body = await res.text();
    expect(JSON.parse(body).error.message).toMatch(/invalid, expired or revoked/);
    expect(body).not.toMatch(/loadavg5|memory|web-a|shop/);
    expect((await open(`${url.slice(0, -2)}xx`)).status).toBe(403);
  });

  it('stops working when revoked, before its expiry', async () => {
    const { id, url } = await create();
    expect((await open(url)).status).toBe(200);
    const listed = (await call('GET', '/api/v0/embeds')).json as { embeds: { id: string }[] };
    expect(listed.embeds.map((e) => e.id)).toContain(id);
    expect((await call('DELETE', `/api/v0/embeds/${id}`)).status).toBe(200);
    expect((await open(url)).status).toBe(403);
    expect((await call('DELETE', `/api/v0/embeds/${id}`)).status).toBe(404);
  });

  it('stops working at its expiry', async () => {
    const { url } = await create({ expiresAt: Math.floor(Date.now() / 1000) + 2 });
    expect((await open(url)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 3100));
    expect((await open(url)).status).toBe(403);
  });

  it('refuses links to graphs that do not exist, past a year, or made with a read-only key', async () => {
    const bad = async (body: Record<string, unknown>) =>
      (
        await call('POST', '/api/v0/embeds', {
          graph: { type: 'role', roleFullname: 'shop:web', name: 'x' },
          range: { type: 'relative', period: 3600 },
          expiresAt: now + 60,
          ...body,
        })
      ).status;
    expect(await bad({ graph: { type: 'role', roleFullname: 'shop:nope', name: 'x' } })).toBe(400);
    expect(await bad({ expiresAt: now + 400 * 86400 })).toBe(400);
    expect(await bad({ expiresAt: now - 1 })).toBe(400);
    const { key } = await createApiKey(server.runtime.deps, 'default', 'read', 'wiki');
    const readOnly = clientFor(server, key);
    const refused = await readOnly('POST', '/api/v0/embeds', {
      graph: { type: 'role', roleFullname: 'shop:web', name: 'loadavg5' },
      range: { type: 'relative', period: 3600 },
      expiresAt: now + 60,
    });
    expect(refused.status).toBe(403);
  });
});
