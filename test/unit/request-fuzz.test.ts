import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiOperations } from '#shared/http/api-operations.ts';
import type { ApiEvent } from '#shared/http/event.ts';
import { createHttpHandler, type HttpHandler } from '#shared/http/http-handler.ts';
import { ROUTES } from '#shared/http/routes.ts';
import { createOrg } from '#shared/use-cases/admin.ts';
import { startTestDynamo, type TestDynamo } from '../support/dynalite.ts';

const segment = fc.oneof(
  fc.constantFrom(
    'hosts',
    'services',
    'roles',
    'metadata',
    'retire',
    'status',
    'x',
    '%2F',
    '%E0%A4%A',
    '..',
    '',
    'bulk-retire',
  ),
  fc.string({ maxLength: 12 }).map(encodeURIComponent),
);

/** Paths near the real ones: a route template with its parameters (and sometimes more) replaced at random. */
const path = fc.oneof(
  fc
    .tuple(fc.constantFrom(...ROUTES.map((r) => r.path)), fc.array(segment, { minLength: 6, maxLength: 6 }))
    .map(([template, values]) => {
      let i = 0;
      return template.replace(/\{\w+\+?\}/g, () => values[i++ % values.length] ?? 'x');
    }),
  fc.array(segment, { maxLength: 6 }).map((parts) => `/api/v0/${parts.join('/')}`),
);

const hostish = fc.record(
  {
    name: fc.oneof(fc.string(), fc.integer(), fc.constant(null)),
    meta: fc.oneof(fc.dictionary(fc.string(), fc.jsonValue()), fc.jsonValue()),
    interfaces: fc.oneof(fc.constant(null), fc.array(fc.jsonValue(), { maxLength: 3 })),
    roleFullnames: fc.oneof(fc.constant(null), fc.array(fc.string(), { maxLength: 3 })),
    checks: fc.oneof(fc.constant(null), fc.array(fc.jsonValue(), { maxLength: 3 })),
    customIdentifier: fc.oneof(fc.string(), fc.constant(null)),
    status: fc.string(),
    ids: fc.array(fc.string(), { maxLength: 40 }),
  },
  { requiredKeys: [] },
);

const body = fc.oneof(
  fc.constant(undefined),
  fc.string(),
  fc.jsonValue().map((v) => JSON.stringify(v)),
  hostish.map((v) => JSON.stringify(v)),
);

const event = fc
  .record({
    method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH'),
    path,
    query: fc.string({ maxLength: 40 }),
    body,
    base64: fc.boolean(),
  })
  .map(
    ({ method, path, query, body, base64 }) =>
      ({
        version: '2.0',
        routeKey: '$default',
        rawPath: path,
        rawQueryString: query,
        headers: {},
        isBase64Encoded: base64 && body !== undefined,
        ...(body !== undefined && { body: base64 ? Buffer.from(body).toString('base64') : body }),
        requestContext: {
          http: { method, path },
          authorizer: { lambda: { orgId: 'fuzz', permission: 'write' } },
        },
      }) as unknown as ApiEvent,
  );

describe('request parsing under random input', () => {
  let dynamo: TestDynamo;
  let handler: HttpHandler;

  beforeAll(async () => {
    dynamo = await startTestDynamo();
    const deps = await dynamo.deps();
    await createOrg(deps, 'fuzz');
    handler = createHttpHandler(apiOperations, deps);
  });
  afterAll(() => dynamo.stop());

  it('never answers 5xx, and always answers JSON', async () => {
    const errors: string[] = [];
    const log = console.error;
    console.error = (...args: unknown[]) => errors.push(args.map(String).join(' '));
    try {
      await fc.assert(
        fc.asyncProperty(event, async (e) => {
          const res = await handler(e, {} as never);
          expect(res.statusCode, `${e.requestContext.http.method} ${e.rawPath} ${e.body ?? ''}`).toBeLessThan(
            500,
          );
          expect(() => JSON.parse(res.body)).not.toThrow();
          if (res.statusCode >= 400) expect(typeof JSON.parse(res.body).error.message).toBe('string');
        }),
        { numRuns: 400 },
      );
    } finally {
      console.error = log;
    }
    expect(errors).toEqual([]);
  });
});
