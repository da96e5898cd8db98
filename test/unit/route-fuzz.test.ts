import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiEvent, ApiResult } from '#shared/http/event.ts';
import type { HttpHandler } from '#shared/http/http-handler.ts';
import { ROUTES, type RouteSpec } from '#shared/http/routes.ts';
import { createApiKey, createOrg } from '#shared/use-cases/admin.ts';
import { startTestDynamo, type TestDynamo } from '../support/dynalite.ts';
import { functionHandlers } from '../support/handlers.ts';
import { recordingLogger } from '../support/logger.ts';

/** The organization's read-write key (registered in beforeAll). */
const TEST_KEY = 'test-key-with-write-permission';

/**
 * Every route of the route table, with bad input of every kind: path parameters that are empty,
 * odd or real ids; query parameters the API reads, empty or of the wrong kind; bodies that are
 * valid ones with a field missing, of the wrong type, empty or extra, or not JSON at all. Whatever
 * comes in, the answer is below 500 and JSON in Mackerel's shape.
 */

const NOW = Math.floor(Date.now() / 1000);

const HOST_MONITOR = {
  type: 'host',
  name: 'fuzz',
  metric: 'loadavg5',
  operator: '>',
  warning: 1,
  critical: 2,
  duration: 1,
};

/** A valid body for each write route, made by the seeding below (ids filled in from what it made). */
const validBodies = (ids: Record<string, string>): Record<string, unknown> => ({
  'POST /api/v0/hosts': { name: 'fuzz-host', meta: {}, roleFullnames: ['shop:web'] },
  'PUT /api/v0/hosts/{hostId}': { name: 'fuzz-host', meta: {} },
  'POST /api/v0/hosts/{hostId}/status': { status: 'standby' },
  'POST /api/v0/hosts/bulk-update-statuses': { ids: [ids.host], status: 'working' },
  'PUT /api/v0/hosts/{hostId}/role-fullnames': { roleFullnames: ['shop:web'] },
  'POST /api/v0/hosts/bulk-retire': { ids: ['nobody'] },
  'POST /api/v0/tsdb': [{ hostId: ids.host, name: 'custom.fuzz', time: NOW, value: 1 }],
  'POST /api/v0/services/{serviceName}/tsdb': [{ name: 'orders', time: NOW, value: 1 }],
  'POST /api/v0/graph-defs/create': [
    { name: 'custom.fuzz', displayName: 'Fuzz', unit: 'float', metrics: [] },
  ],
  'DELETE /api/v0/graph-defs': { name: 'custom.fuzz' },
  'POST /api/v0/graph-annotations': {
    title: 'deploy',
    from: NOW - 60,
    to: NOW,
    service: 'shop',
    roles: ['web'],
  },
  'PUT /api/v0/graph-annotations/{annotationId}': {
    title: 'deploy',
    from: NOW - 60,
    to: NOW,
    service: 'shop',
  },
  'POST /api/v0/monitoring/checks/report': {
    reports: [
      { source: { type: 'host', hostId: ids.host }, name: 'chk', status: 'OK', message: '', occurredAt: NOW },
    ],
  },
  'POST /api/v0/monitors': HOST_MONITOR,
  'PUT /api/v0/monitors/{monitorId}': HOST_MONITOR,
  'PUT /api/v0/alerts/{alertId}': { memo: 'looked at it' },
  'POST /api/v0/alerts/{alertId}/close': { reason: 'fixed' },
  'POST /api/v0/channels': { type: 'webhook', name: 'hook', url: 'https://example.com/hook' },
  'PUT /api/v0/channels/{channelId}': { type: 'webhook', name: 'hook', url: 'https://example.com/hook' },
  'POST /api/v0/notification-groups': { name: 'g', notificationLevel: 'all', childChannelIds: [] },
  'PUT /api/v0/notification-groups/{groupId}': { name: 'g', notificationLevel: 'all', childChannelIds: [] },
  'POST /api/v0/dashboards': {
    title: 'd',
    urlPath: `d${Math.random().toString(36).slice(2)}`,
    memo: '',
    widgets: [],
  },
  'PUT /api/v0/dashboards/{dashboardId}': { title: 'd', urlPath: 'fuzz-d', memo: '', widgets: [] },
  'POST /api/v0/embeds': {
    graph: { type: 'host', hostId: ids.host, name: 'loadavg5' },
    range: { type: 'relative', period: 3600 },
    expiresAt: NOW + 3600,
  },
  'POST /api/v0/downtimes': { name: 'dt', start: NOW + 60, duration: 60 },
  'PUT /api/v0/downtimes/{downtimeId}': { name: 'dt', start: NOW + 60, duration: 60 },
  'POST /api/v0/invitations': { email: 'new@example.com', authority: 'viewer' },
  'POST /api/v0/invitations/revoke': { email: 'new@example.com' },
  'PUT /api/v0/hosts/{hostId}/metadata/{namespace}': { any: 'thing' },
  'POST /api/v0/services': { name: 'fuzzsvc', memo: '' },
  'POST /api/v0/services/{serviceName}/roles': { name: 'fuzzrole', memo: '' },
  'PUT /api/v0/services/{serviceName}/metadata/{namespace}': { any: 'thing' },
  'PUT /api/v0/services/{serviceName}/roles/{roleName}/metadata/{namespace}': { any: 'thing' },
});

/** Query parameters the API reads anywhere (shared/http), each tried on every route. */
const QUERY_KEYS = [
  'hostId',
  'name',
  'service',
  'role',
  'from',
  'to',
  'status',
  'customIdentifier',
  'withClosed',
  'nextId',
  'limit',
  'expression',
  'caseInsensitive',
];

const oddText = fc.constantFrom(
  '',
  ' ',
  'x',
  '0',
  '-1',
  '1e309',
  'NaN',
  'null',
  'true',
  '%00',
  '..',
  'a'.repeat(300),
  'é',
);
const oddValue = fc.oneof(
  oddText,
  fc.constantFrom(0, -1, 1.5, 1e300, -1e300, 2 ** 53, true, false, null, [], {}, [''], { '': '' }, [null]),
  fc.jsonValue({ maxDepth: 2 }),
);

/** A valid body with one to three things gone wrong. */
function mutated(valid: unknown): fc.Arbitrary<unknown> {
  if (Array.isArray(valid))
    return fc.oneof(
      mutated(valid[0]).map((v) => [v]),
      fc.constant([]),
      oddValue,
    );
  if (valid === null || typeof valid !== 'object') return oddValue;
  const keys = Object.keys(valid);
  type Change = (o: Record<string, unknown>) => void;
  const extra: fc.Arbitrary<Change> = fc.tuple(fc.string({ maxLength: 8 }), oddValue).map(([k, v]) => (o) => {
    o[k] = v;
  });
  const change: fc.Arbitrary<Change> =
    keys.length === 0
      ? extra
      : fc.oneof(
          fc.constantFrom(...keys).map(
            (k): Change =>
              (o) => {
                delete o[k];
              },
          ),
          fc.tuple(fc.constantFrom(...keys), oddValue).map(
            ([k, v]): Change =>
              (o) => {
                o[k] = v;
              },
          ),
          extra,
        );
  return fc.array(change, { minLength: 1, maxLength: 3 }).map((changes) => {
    const o = structuredClone(valid) as Record<string, unknown>;
    for (const c of changes) c(o);
    return o;
  });
}

describe('every route of the route table under bad input', () => {
  let dynamo: TestDynamo;
  let handler: HttpHandler;
  const ids: Record<string, string> = {};
  const log = recordingLogger('error');

  const send = (method: string, path: string, query: string, body?: string): Promise<ApiResult> =>
    handler(
      {
        version: '2.0',
        routeKey: '$default',
        rawPath: path,
        rawQueryString: query,
        headers: { 'content-type': 'application/json', 'x-api-key': TEST_KEY },
        isBase64Encoded: false,
        ...(body !== undefined && { body }),
        requestContext: {
          http: { method, path },
        },
      } as unknown as ApiEvent,
      { awsRequestId: 'fuzz' } as never,
    );
  const json = async (method: string, path: string, body?: unknown) =>
    JSON.parse((await send(method, path, '', body === undefined ? undefined : JSON.stringify(body))).body);

  beforeAll(async () => {
    dynamo = await startTestDynamo();
    const deps = await dynamo.deps();
    await createOrg(deps, 'fuzz');
    await createApiKey(deps, 'fuzz', 'write', 'test', TEST_KEY);
    handler = functionHandlers(deps, log.logger);
    // Real entities, so fuzzed ids sometimes hit something and the deeper code paths run.
    await json('POST', '/api/v0/services', { name: 'shop', memo: '' });
    await json('POST', '/api/v0/services/shop/roles', { name: 'web', memo: '' });
    ids.host = (
      await json('POST', '/api/v0/hosts', { name: 'seed', meta: {}, roleFullnames: ['shop:web'] })
    ).id;
    const bodies = validBodies(ids);
    ids.monitor = (await json('POST', '/api/v0/monitors', bodies['POST /api/v0/monitors'])).id;
    ids.channel = (await json('POST', '/api/v0/channels', bodies['POST /api/v0/channels'])).id;
    ids.group = (
      await json('POST', '/api/v0/notification-groups', bodies['POST /api/v0/notification-groups'])
    ).id;
    ids.dashboard = (await json('POST', '/api/v0/dashboards', bodies['POST /api/v0/dashboards'])).id;
    ids.downtime = (await json('POST', '/api/v0/downtimes', bodies['POST /api/v0/downtimes'])).id;
    ids.annotation = (
      await json('POST', '/api/v0/graph-annotations', bodies['POST /api/v0/graph-annotations'])
    ).id;
    for (const [k, v] of Object.entries(ids))
      if (typeof v !== 'string') throw new Error(`seeding ${k} failed`);
  });
  afterAll(() => dynamo.stop());

  const real = () => Object.values(ids);
  const pathParam = fc.oneof(
    oddText.map(encodeURIComponent),
    fc.constant('shop'),
    fc.constant('web'),
    fc.constant('default-channel'),
    fc.nat(100).chain(() => fc.constantFrom(...real())),
    fc.string({ maxLength: 12 }).map(encodeURIComponent),
  );
  const query = fc
    .array(fc.tuple(fc.constantFrom(...QUERY_KEYS), fc.oneof(oddText, fc.constant(ids.host ?? 'x'))), {
      maxLength: 4,
    })
    .map((pairs) => pairs.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&'));

  const requestFor = (route: RouteSpec) => {
    const valid = validBodies(ids)[`${route.method} ${route.path}`];
    const body =
      route.method === 'GET' || route.method === 'DELETE'
        ? fc.oneof(
            fc.constant(undefined),
            oddValue.map((v) => JSON.stringify(v)),
          )
        : fc.oneof(
            { weight: 6, arbitrary: mutated(valid ?? {}).map((v) => JSON.stringify(v)) },
            { weight: 1, arbitrary: oddValue.map((v) => JSON.stringify(v)) },
            { weight: 1, arbitrary: fc.constantFrom('', '{', '[1,', 'null', '"text"', '{"a":1}{') },
          );
    const params = (route.path.match(/\{\w+\+?\}/g) ?? []).map(() => pathParam);
    return fc.record({ params: fc.tuple(...params), query, body }).map(({ params, query, body }) => {
      let i = 0;
      return { path: route.path.replace(/\{\w+\+?\}/g, () => params[i++] as string), query, body };
    });
  };

  it('answers no 5xx and always JSON in Mackerel’s shape, on every route', async () => {
    const arbitrary = fc
      .constantFrom(...ROUTES)
      .chain((route) => requestFor(route).map((req) => ({ route, ...req })));
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(arbitrary, async ({ route, path, query, body }) => {
        seen.add(`${route.method} ${route.path}`);
        const res = await send(route.method, path, query, body);
        const what = `${route.method} ${path}?${query} ${body ?? ''}`;
        expect(res.statusCode, what).toBeLessThan(500);
        const parsed = JSON.parse(res.body);
        // Prometheus's API answers in Prometheus's error shape, which its clients (Grafana) read.
        if (res.statusCode >= 400 && path.startsWith('/api/v1/'))
          expect([parsed.status, typeof parsed.error, typeof parsed.errorType], what).toEqual([
            'error',
            'string',
            'string',
          ]);
        else if (res.statusCode >= 400) expect(typeof parsed.error?.message, what).toBe('string');
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 2500) },
    );
    expect(seen.size).toBe(new Set(ROUTES.map((r) => `${r.method} ${r.path}`)).size);
    expect(log.lines).toEqual([]); // no unhandled error was logged either
  }, 240_000);

  it('answers 400 to the two inputs that once reached a DynamoDB key', async () => {
    const latest = await send('GET', '/api/v0/tsdb/latest', 'hostId=&name=loadavg5');
    expect(latest.statusCode).toBe(400);
    expect(JSON.parse(latest.body).error.message).toMatch(/hostId/);
    const revoke = await send('POST', '/api/v0/invitations/revoke', '', '{"email":""}');
    expect(revoke.statusCode).toBe(400);
    expect(JSON.parse(revoke.body).error.message).toMatch(/email/);
  });
});
