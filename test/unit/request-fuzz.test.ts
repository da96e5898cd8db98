import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiEvent } from '#shared/http/event.ts';
import type { HttpHandler } from '#shared/http/http-handler.ts';
import { ROUTES } from '#shared/http/routes.ts';
import { createApiKey, createOrg } from '#shared/use-cases/admin.ts';
import { registerHost } from '#shared/use-cases/hosts/register-host.ts';
import { startTestDynamo, type TestDynamo } from '../support/dynalite.ts';
import { functionHandlers } from '../support/handlers.ts';
import { recordingLogger } from '../support/logger.ts';

/** The organization's read-write key (registered in beforeAll). */
const TEST_KEY = 'test-key-with-write-permission';

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

/** A live host of the fuzzed organization, so metric posts also reach the store. */
const KNOWN_HOST = 'FuzzHost001';

/** Metric posts: arrays of point-like objects, with wrong types, odd names, huge and tiny numbers. */
const pointish = fc.record(
  {
    hostId: fc.oneof(
      fc.constant(KNOWN_HOST),
      fc.constant(KNOWN_HOST),
      fc.string({ maxLength: 12 }),
      fc.integer(),
      fc.constant(null),
    ),
    name: fc.oneof(fc.stringMatching(/^[a-z.]{1,20}$/), fc.string(), fc.constant('')),
    time: fc.oneof(fc.integer(), fc.double(), fc.constant(-1), fc.constant(2 ** 40), fc.string()),
    value: fc.oneof(
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.integer(),
      fc.string(),
      fc.constant(null),
    ),
  },
  { requiredKeys: [] },
);

const body = fc.oneof(
  fc.constant(undefined),
  fc.string(),
  fc.jsonValue().map((v) => JSON.stringify(v)),
  hostish.map((v) => JSON.stringify(v)),
  fc.array(pointish, { maxLength: 5 }).map((v) => JSON.stringify(v)),
  fc.constantFrom(
    '[{"hostId":"x","name":"a","time":1,"value":1e999}]',
    '[{"name":"a","time":1e999,"value":1}]',
    'null',
  ),
);

const NOW = Math.floor(Date.now() / 1000);

/** Agent-like posts, mostly well formed, sometimes with one field gone wrong. */
const nearlyValidPoint = fc.record({
  hostId: fc.oneof({ weight: 9, arbitrary: fc.constant(KNOWN_HOST) }, { weight: 1, arbitrary: fc.string() }),
  name: fc.oneof(
    { weight: 9, arbitrary: fc.stringMatching(/^[a-z][a-z.]{0,19}$/) },
    { weight: 1, arbitrary: fc.string() },
  ),
  time: fc.oneof(
    { weight: 9, arbitrary: fc.integer({ min: NOW - 90_000, max: NOW + 7200 }) },
    { weight: 1, arbitrary: fc.double() },
  ),
  value: fc.oneof(
    { weight: 9, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) },
    { weight: 1, arbitrary: fc.string() },
  ),
});
const tsdbPost = fc.record({
  method: fc.constant('POST'),
  path: fc.constant('/api/v0/tsdb'),
  query: fc.constant(''),
  body: fc.array(nearlyValidPoint, { maxLength: 8 }).map((v) => JSON.stringify(v)),
  base64: fc.constant(false),
});

const event = fc
  .oneof(
    fc.record({
      method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH'),
      path,
      query: fc.string({ maxLength: 40 }),
      body,
      base64: fc.boolean(),
    }),
    tsdbPost,
  )
  .map(
    ({ method, path, query, body, base64 }) =>
      ({
        version: '2.0',
        routeKey: '$default',
        rawPath: path,
        rawQueryString: query,
        headers: { 'x-api-key': TEST_KEY },
        isBase64Encoded: base64 && body !== undefined,
        ...(body !== undefined && { body: base64 ? Buffer.from(body).toString('base64') : body }),
        requestContext: {
          http: { method, path },
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
    await createApiKey(deps, 'fuzz', 'write', 'test', TEST_KEY);
    await registerHost({ ...deps, newId: () => KNOWN_HOST }, 'fuzz', { name: 'fuzz', meta: {} });
    handler = functionHandlers(deps, recordingLogger('error').logger);
  });
  afterAll(() => dynamo.stop());

  it('never answers 5xx, and always answers JSON', async () => {
    const errors: string[] = [];
    let stored = 0;
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
          const parsed = JSON.parse(res.body);
          // Prometheus's API answers in Prometheus's error shape, which its clients (Grafana) read.
          if (res.statusCode >= 400 && e.rawPath.startsWith('/api/v1/'))
            expect([parsed.status, typeof parsed.error, typeof parsed.errorType]).toEqual([
              'error',
              'string',
              'string',
            ]);
          else if (res.statusCode >= 400) expect(typeof parsed.error.message).toBe('string');
          if (e.rawPath === '/api/v0/tsdb' && res.statusCode === 200) stored++;
        }),
        { numRuns: 600 },
      );
    } finally {
      console.error = log;
    }
    expect(errors).toEqual([]);
    expect(stored).toBeGreaterThan(0); // the generator does reach the write path
  });
});
