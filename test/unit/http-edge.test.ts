import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiEvent } from '#shared/http/event.ts';
import { createHttpHandler } from '#shared/http/http-handler.ts';
import { json } from '#shared/http/reply.ts';
import { createLogger, type LogLevel } from '#shared/logging.ts';
import type { Deps } from '#shared/ports/deps.ts';
import { createApiKey, createOrg } from '#shared/use-cases/admin.ts';
import { startTestDynamo, type TestDynamo } from '../support/dynalite.ts';
import { captureStdio } from '../support/logger.ts';

const SECRET_KEY = 'secret-key-never-logged';

const event = (path: string, query: string, headers: Record<string, string> = {}): ApiEvent =>
  ({
    rawPath: path,
    rawQueryString: query,
    headers: { 'x-api-key': SECRET_KEY, ...headers },
    isBase64Encoded: false,
    requestContext: { http: { method: 'GET' } },
  }) as unknown as ApiEvent;

describe('the HTTP edge on AWS: request log lines and gzip', () => {
  let dynamo: TestDynamo;
  let deps: Deps;
  beforeAll(async () => {
    dynamo = await startTestDynamo();
    deps = await dynamo.deps();
    await createOrg(deps, 'acme');
    await createApiKey(deps, 'acme', 'read', 'never logged', SECRET_KEY);
  });
  afterAll(() => dynamo.stop());

  const handlerWith = (level: LogLevel) =>
    createHttpHandler(
      {
        getOrg: async () => json({ name: 'acme', blob: 'x'.repeat(5000) }),
        listHosts: async () => {
          throw new Error('boom');
        },
      },
      deps,
      { logger: createLogger({ level, format: 'json' }) },
    );

  it('logs one JSON line per request: method, path with query, status, time, size, organization; never the key', async () => {
    const handler = handlerWith('info');
    const lines = await captureStdio(async () => {
      await handler(event('/api/v0/org', 'a=1&b=two'), { awsRequestId: 'req-1' } as never);
      await handler(event('/api/v0/nowhere', ''), { awsRequestId: 'req-2' } as never);
    });
    const [ok, missing] = lines.map((l) => JSON.parse(l));
    expect(ok).toMatchObject({
      level: 'INFO',
      message: 'request',
      service: 'saba',
      method: 'GET',
      target: '/api/v0/org?a=1&b=two',
      status: 200,
      org: 'acme',
      requestId: 'req-1',
    });
    expect(ok.bytes).toBeGreaterThan(5000);
    expect(typeof ok.ms).toBe('number');
    expect(missing).toMatchObject({ target: '/api/v0/nowhere', status: 404 });
    expect(lines.join('\n')).not.toContain('secret-key-never-logged');
  });

  it('keeps only errors at SABA_LOG_LEVEL=warn', async () => {
    const handler = handlerWith('warn');
    let failed: { statusCode: number } | undefined;
    const lines = await captureStdio(async () => {
      await handler(event('/api/v0/org', ''), {} as never);
      failed = await handler(event('/api/v0/hosts', ''), {} as never);
    });
    expect(failed?.statusCode).toBe(500);
    expect(lines.map((l) => JSON.parse(l))).toEqual([
      expect.objectContaining({
        level: 'ERROR',
        message: 'unhandled error',
        error: expect.stringContaining('boom'),
      }),
      expect.objectContaining({ level: 'ERROR', message: 'request', status: 500 }),
    ]);
  });

  it('gzips answers over 1 KB when the client accepts gzip, and leaves the rest alone', async () => {
    const handler = handlerWith('error');
    const zipped = await handler(event('/api/v0/org', '', { 'accept-encoding': 'gzip' }), {} as never);
    expect(zipped.isBase64Encoded).toBe(true);
    expect(zipped.headers).toMatchObject({ 'content-encoding': 'gzip', vary: 'accept-encoding' });
    expect(JSON.parse(gunzipSync(Buffer.from(zipped.body, 'base64')).toString()).name).toBe('acme');
    const plain = await handler(event('/api/v0/org', ''), {} as never);
    expect(plain.isBase64Encoded).toBeFalsy();
    expect(JSON.parse(plain.body).name).toBe('acme');
    const small = await handler(event('/api/v0/nowhere', '', { 'accept-encoding': 'gzip' }), {} as never);
    expect(small.isBase64Encoded).toBeFalsy();
  });
});
