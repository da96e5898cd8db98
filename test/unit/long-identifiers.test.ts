import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiEvent } from '#shared/http/event.ts';
import type { HttpHandler } from '#shared/http/http-handler.ts';
import { ROUTES } from '#shared/http/routes.ts';
import { createApiKey, createOrg } from '#shared/use-cases/admin.ts';
import { startTestDynamo, type TestDynamo } from '../support/dynalite.ts';
import { functionHandlers } from '../support/handlers.ts';
import { recordingLogger } from '../support/logger.ts';

/** The organization's read-write key (registered in beforeAll). */
const TEST_KEY = 'test-key-with-write-permission';

const LONG = 'x'.repeat(2000);

/** Every route, every path parameter and a query identifier 2,000 characters long: 400 or 404, never 500. */
describe('identifiers longer than DynamoDB keys allow', () => {
  let dynamo: TestDynamo;
  let handler: HttpHandler;
  beforeAll(async () => {
    dynamo = await startTestDynamo();
    const deps = await dynamo.deps();
    await createOrg(deps, 'long');
    await createApiKey(deps, 'long', 'write', 'test', TEST_KEY);
    handler = functionHandlers(deps, recordingLogger('error').logger);
  });
  afterAll(() => dynamo.stop());

  const call = (method: string, path: string, query = '', body?: unknown) =>
    handler(
      {
        rawPath: path,
        rawQueryString: query,
        headers: { 'content-type': 'application/json', 'x-api-key': TEST_KEY },
        body: body === undefined ? undefined : JSON.stringify(body),
        isBase64Encoded: false,
        requestContext: { http: { method } },
      } as unknown as ApiEvent,
      {} as never,
    );

  it('answers 404 for long ids and 400 for long names in paths', async () => {
    const seen: string[] = [];
    for (const route of ROUTES) {
      if (!route.path.includes('{')) continue;
      const path = route.path.replace(/\{\w+\+?\}/g, LONG);
      const res = await call(route.method, path, '', route.method === 'GET' ? undefined : {});
      seen.push(`${route.method} ${route.path} ${res.statusCode}`);
      expect(res.statusCode, `${route.method} ${route.path}`).toBeGreaterThanOrEqual(400);
      expect(res.statusCode, `${route.method} ${route.path}: ${res.body}`).toBeLessThan(500);
      const body = JSON.parse(res.body);
      // Prometheus's API in Prometheus's error shape, every other route in Mackerel's.
      expect(route.path.startsWith('/api/v1/') ? body.error : body.error.message).toBeTypeOf('string');
    }
    expect(seen.find((s) => s.startsWith('GET /api/v0/hosts/{hostId} '))).toMatch(/404$/);
    expect(seen.find((s) => s.startsWith('DELETE /api/v0/services/{serviceName} '))).toMatch(/400$/);
  });

  it('answers 400 for long query identifiers and long annotation scopes', async () => {
    for (const [path, query] of [
      ['/api/v0/hosts', `customIdentifier=${LONG}`],
      ['/api/v0/hosts', `service=${LONG}`],
      ['/api/v0/tsdb/latest', `hostId=${LONG}&name=loadavg5`],
      ['/api/v0/graph-annotations', `service=${LONG}&from=0&to=1`],
    ] as const) {
      const res = await call('GET', path, query);
      expect(res.statusCode, `${path}?${query.slice(0, 20)}`).toBe(400);
    }
    const res = await call('POST', '/api/v0/graph-annotations', '', {
      title: 't',
      from: 0,
      to: 1,
      service: LONG,
      roles: [LONG],
    });
    expect(res.statusCode).toBe(400);
  });
});
