import type { ALBEvent, ALBResult, Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiHandler } from '#shared/handlers/api.ts';
import { createIngestHandler } from '#shared/handlers/ingest.ts';
import type { ApiEvent, ApiResult } from '#shared/http/event.ts';
import { ACCESS_LINE_KEYS } from '#shared/http/fronts/access-log.ts';
import { createHttpFunction } from '#shared/http/fronts/http-function.ts';
import { createLogger } from '#shared/logging.ts';
import type { Deps } from '#shared/ports/deps.ts';
import { createApiKey, createOrg } from '#shared/use-cases/admin.ts';
import { startTestDynamo, type TestDynamo } from '../support/dynalite.ts';

const KEY = 'http-function-key-0123456789';
const context = { awsRequestId: 'lambda-req' } as Context;

/** A function URL's event: the HTTP API's payload 2.0, one `$default` route. */
function urlEvent(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const [rawPath, rawQueryString = ''] = path.split('?') as [string, string?];
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString,
    headers: { 'x-api-key': KEY, 'content-type': 'application/json', ...headers },
    ...(body !== undefined && { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    isBase64Encoded: false,
    requestContext: {
      requestId: `url-${path}`,
      http: { method, path: rawPath, sourceIp: '198.51.100.7', protocol: 'HTTP/1.1', userAgent: 'test' },
    },
  } as unknown as ApiEvent;
}

/** A load balancer's event with multi-value headers and query parameters (as saba's target group sends). */
function albEvent(
  method: string,
  path: string,
  query: [string, string][],
  body?: string,
  key = KEY,
): ALBEvent {
  const multiValueQueryStringParameters: Record<string, string[]> = {};
  for (const [k, v] of query)
    multiValueQueryStringParameters[k] = [...(multiValueQueryStringParameters[k] ?? []), v];
  return {
    requestContext: { elb: { targetGroupArn: 'arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/x/y' } },
    httpMethod: method,
    path,
    multiValueQueryStringParameters,
    multiValueHeaders: {
      ...(key && { 'x-api-key': [key] }),
      'content-type': ['application/json'],
      'x-forwarded-for': ['10.0.0.1', '203.0.113.9'],
      'x-amzn-trace-id': ['Root=1-abc'],
      host: ['saba.example.com'],
    },
    body: body ?? null,
    isBase64Encoded: false,
  };
}

describe('the HTTP function: every route in one function, behind a function URL or a load balancer', () => {
  let dynamo: TestDynamo;
  let deps: Deps;
  const lines: string[] = [];
  let handler: ReturnType<typeof createHttpFunction>;
  let hostId: string;
  const access = () => lines.map((l) => JSON.parse(l) as Record<string, string>);

  beforeAll(async () => {
    dynamo = await startTestDynamo();
    deps = await dynamo.deps();
    await createOrg(deps, 'acme');
    await createApiKey(deps, 'acme', 'write', 'test', KEY);
    const logger = createLogger({ level: 'error', format: 'json' });
    const api = createApiHandler(deps, { logger });
    const ingest = createIngestHandler(deps, { logger, monitorCacheMs: 0, ownersCacheMs: 0 });
    handler = createHttpFunction({
      handlers: {
        api,
        ingest: async (event, ctx) => {
          if (event.headers['x-fail'] === 'yes') throw new Error('the ingest handler broke');
          return ingest(event, ctx);
        },
      },
      writeLine: (line) => lines.push(line),
      logError: () => {},
    });
    const res = (await handler(
      urlEvent('POST', '/api/v0/hosts', { name: 'web-1', meta: {} }),
      context,
    )) as ApiResult;
    hostId = JSON.parse(res.body).id;
  });
  afterAll(() => dynamo.stop());

  it('sends a post to the ingest handler and a read to the api handler, with one access line each', async () => {
    lines.length = 0;
    const now = Math.floor(Date.now() / 1000);
    const posted = (await handler(
      urlEvent('POST', '/api/v0/tsdb', [{ hostId, name: 'loadavg5', time: now - 60, value: 1.5 }]),
      context,
    )) as ApiResult;
    expect([posted.statusCode, JSON.parse(posted.body)]).toEqual([200, { success: true }]);
    const read = (await handler(
      urlEvent('GET', `/api/v0/hosts/${hostId}/metrics?name=loadavg5&from=${now - 600}&to=${now}`),
      context,
    )) as ApiResult;
    expect(JSON.parse(read.body).metrics).toEqual([{ time: now - 60, value: 1.5 }]);
    const [postLine, readLine] = access();
    expect(Object.keys(postLine ?? {})).toEqual([...ACCESS_LINE_KEYS]);
    expect(postLine).toMatchObject({
      id: 'url-/api/v0/tsdb',
      ip: '198.51.100.7',
      m: 'POST',
      p: '/api/v0/tsdb',
    });
    expect(postLine).toMatchObject({ s: '200', b: String(Buffer.byteLength(posted.body)), err: '-' });
    expect(readLine).toMatchObject({ m: 'GET', p: `/api/v0/hosts/${hostId}/metrics`, s: '200' });
    expect(lines.every((l) => l.endsWith('\n') && !l.includes(KEY))).toBe(true);
  });

  it('answers bad input as the HTTP API does: no key 401, bad JSON 400, unknown path 404, all in Mackerel’s shape', async () => {
    const noKey = (await handler(
      urlEvent('GET', '/api/v0/hosts', undefined, { 'x-api-key': '' }),
      context,
    )) as ApiResult;
    const badJson = (await handler(urlEvent('POST', '/api/v0/tsdb', '[{"hostId":'), context)) as ApiResult;
    const unknown = (await handler(urlEvent('GET', '/api/v0/nowhere'), context)) as ApiResult;
    for (const [res, status] of [
      [noKey, 401],
      [badJson, 400],
      [unknown, 404],
    ] as const) {
      expect(res.statusCode).toBe(status);
      expect(typeof JSON.parse(res.body).error.message).toBe('string');
    }
  });

  it('takes the load balancer’s event and answers in its shape, repeated query parameters kept', async () => {
    lines.length = 0;
    await handler(urlEvent('POST', `/api/v0/hosts/${hostId}/status`, { status: 'standby' }), context);
    const res = (await handler(
      albEvent('GET', '/api/v0/hosts', [
        ['status', 'working'],
        ['status', 'standby'],
      ]),
      context,
    )) as ALBResult;
    expect(res.statusCode).toBe(200);
    expect(res.statusDescription).toBe('200 OK');
    expect(res.multiValueHeaders?.['content-type']?.[0]).toMatch(/^application\/json/);
    expect(JSON.parse(res.body ?? '').hosts.map((h: { id: string }) => h.id)).toEqual([hostId]);
    expect(access().at(-1)).toMatchObject({
      id: 'Root=1-abc',
      ip: '203.0.113.9',
      m: 'GET',
      p: '/api/v0/hosts',
    });

    const bad = (await handler(
      albEvent('POST', '/api/v0/tsdb', [], '{"not":"an array"'),
      context,
    )) as ALBResult;
    expect([bad.statusCode, bad.statusDescription]).toEqual([400, '400 Bad Request']);
    expect(JSON.parse(bad.body ?? '').error.message).toMatch(/JSON/);
    const denied = (await handler(albEvent('GET', '/api/v0/hosts', [], undefined, ''), context)) as ALBResult;
    expect(denied.statusCode).toBe(401);
  });

  it('answers an error that escaped a handler with Mackerel’s 500 and names it in the access line', async () => {
    lines.length = 0;
    const res = (await handler(
      urlEvent('POST', '/api/v0/tsdb', [], { 'x-fail': 'yes' }),
      context,
    )) as ApiResult;
    expect([res.statusCode, JSON.parse(res.body)]).toEqual([
      500,
      { error: { message: 'Internal Server Error' } },
    ]);
    expect(access()[0]).toMatchObject({ s: '500', err: 'the ingest handler broke' });
  });
});
