import { Agent, request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentHostBody } from '../fixtures/agent.ts';
import { clientFor, startTestServer, type TestServer } from '../support/local-server.ts';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  socket: unknown;
}

/** One HTTP exchange on `agent`; `write` sends the body (or part of it) and decides when to end. */
function exchange(
  url: string,
  opts: { method: string; path: string; headers: Record<string, string | number>; agent?: Agent },
  write: (req: ReturnType<typeof request>) => void,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}${opts.path}`,
      { method: opts.method, headers: opts.headers, ...(opts.agent && { agent: opts.agent }) },
      (res) => {
        let body = '';
        res.on('data', (c) => {
          body += c;
        });
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, socket: req.socket }),
        );
      },
    );
    req.on('error', reject);
    write(req);
  });
}

describe('the local server’s edge: request log, body limits, keep-alive, gzip', () => {
  let server: TestServer;
  const lines: string[] = [];
  beforeAll(async () => {
    server = await startTestServer({ log: (l) => lines.push(l) });
  });
  afterAll(() => server.destroy());

  it('logs method, path with query, status, time, size and organization, never the key', async () => {
    await clientFor(server, server.key)('GET', '/api/v0/hosts?service=shop&status=working');
    const line = lines.find((l) => l.includes('/api/v0/hosts?service=shop'));
    expect(line).toMatch(
      /^GET \/api\/v0\/hosts\?service=shop&status=working 200 \d+\.\dms \d+B org=default$/,
    );
    expect(lines.join('\n')).not.toContain(server.key);
    // client-go ends every path with a bare `?`: no query, and none printed.
    await clientFor(server, server.key)('GET', '/api/v0/org');
    expect(lines.find((l) => l.startsWith('GET /api/v0/org'))).toMatch(/^GET \/api\/v0\/org 200 /);
    // Nor for what the server answers itself (a refused key).
    await clientFor(server, 'wrong-key')('GET', '/api/v0/services');
    expect(lines.find((l) => l.startsWith('GET /api/v0/services'))).toMatch(/^GET \/api\/v0\/services 403 /);
  });

  it('answers a 413 and keeps the connection usable for the next request', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const big = Buffer.alloc(11 * 1024 * 1024, 'x');
      const refused = await exchange(
        server.url,
        {
          method: 'PUT',
          path: '/api/v0/hosts/x/metadata/ns',
          headers: {
            'x-api-key': server.key,
            'content-type': 'application/json',
            'content-length': big.length,
          },
          agent,
        },
        (req) => req.end(big),
      );
      expect(refused.status).toBe(413);
      expect(JSON.parse(refused.body).error.message).toMatch(/too large/);
      const next = await exchange(
        server.url,
        { method: 'GET', path: '/api/v0/org', headers: { 'x-api-key': server.key }, agent },
        (req) => req.end(),
      );
      expect(next.status).toBe(200);
      expect(next.socket).toBe(refused.socket);
      // Chunked, with no declared length: read to its end, kept only up to the limit.
      const chunked = await exchange(
        server.url,
        {
          method: 'POST',
          path: '/api/v0/hosts',
          headers: {
            'x-api-key': server.key,
            'content-type': 'application/json',
            'transfer-encoding': 'chunked',
          },
          agent,
        },
        (req) => {
          for (let i = 0; i < 11; i++) req.write(Buffer.alloc(1024 * 1024, ' '));
          req.end();
        },
      );
      expect(chunked.status).toBe(413);
      expect(
        (
          await exchange(
            server.url,
            { method: 'GET', path: '/api/v0/org', headers: { 'x-api-key': server.key }, agent },
            (req) => req.end(),
          )
        ).status,
      ).toBe(200);
    } finally {
      agent.destroy();
    }
  });

  it('checks the key before reading the body: a bad key is answered while the body is still unsent', async () => {
    const answer = await exchange(
      server.url,
      {
        method: 'POST',
        path: '/api/v0/tsdb',
        headers: {
          'x-api-key': 'wrong',
          'content-type': 'application/json',
          'content-length': 10 * 1024 * 1024,
        },
      },
      (req) => {
        req.write('[');
        // The rest of the 10 MB is never sent: the answer must come anyway.
      },
    );
    expect(answer.status).toBe(403);
    expect(answer.headers.connection).toBe('close');
  });

  it('gzips large answers for clients that accept it', async () => {
    const call = clientFor(server, server.key);
    for (let i = 0; i < 5; i++) await call('POST', '/api/v0/hosts', agentHostBody({ name: `gz-${i}` }));
    const zipped = await call('GET', '/api/v0/hosts', undefined, { 'accept-encoding': 'gzip' });
    expect(zipped.headers.get('content-encoding')).toBe('gzip');
    expect(zipped.json.hosts.length).toBeGreaterThanOrEqual(5);
  });

  it('answers with a declared length, not chunked framing, text and gzipped bodies alike', async () => {
    const asked: Record<string, string>[] = [
      { 'x-api-key': server.key },
      { 'x-api-key': server.key, 'accept-encoding': 'gzip' },
    ];
    for (const headers of asked) {
      const answer = await exchange(server.url, { method: 'GET', path: '/api/v0/hosts', headers }, (req) =>
        req.end(),
      );
      expect(answer.status).toBe(200);
      expect(answer.headers['transfer-encoding']).toBeUndefined();
      // A text answer's length is its bytes; a gzipped one's is checked by the client reading it whole.
      expect(Number(answer.headers['content-length'])).toBeGreaterThan(0);
      if (!headers['accept-encoding'])
        expect(Number(answer.headers['content-length'])).toBe(Buffer.byteLength(answer.body));
      else expect(answer.headers['content-encoding']).toBe('gzip');
    }
  });

  it('keeps answering when a client goes away in the middle of its body', async () => {
    await new Promise<void>((resolve) => {
      const req = request(`${server.url}/api/v0/tsdb`, {
        method: 'POST',
        headers: { 'x-api-key': server.key, 'content-type': 'application/json', 'content-length': 1000 },
      });
      req.on('error', () => resolve());
      req.write('[{"hostId":');
      setTimeout(() => req.destroy(), 50);
    });
    const after = await clientFor(server, server.key)('GET', '/api/v0/org');
    expect(after.status).toBe(200);
  });
});
