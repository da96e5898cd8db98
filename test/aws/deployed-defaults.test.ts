import { execFile } from 'node:child_process';
import { CloudFormationClient, CreateStackCommand } from '@aws-sdk/client-cloudformation';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCHEDULES } from '#shared/schemas/jobs.ts';
import { createApiKey } from '#shared/use-cases/admin.ts';
import { Harness } from '../support/deployed/harness.ts';
import { callFront } from '../support/deployed/http.ts';
import { REGION } from '../support/deployed/intrinsics.ts';
import { addTenant } from '../support/deployed/tenants.ts';
import { startTestServer, type TestServer } from '../support/local-server.ts';

interface Target {
  url: string;
  key: string;
  readKey: string;
}
interface Case {
  name: string;
  method: string;
  path: string;
  body?: string;
  key?: 'none' | 'wrong' | 'read';
  headers?: Record<string, string>;
}

const nested = (depth: number): string => `${'['.repeat(depth)}1${']'.repeat(depth)}`;
const oversized = `[${Array.from({ length: 60_000 }, (_, i) => `{"hostId":"h","name":"n${i}","time":1,"value":${i}}`).join(',')}]`;

/** Bad input the local server is tested with, asked of both fronts alike. */
const BAD_INPUT: Case[] = [
  { name: 'no key', method: 'GET', path: '/api/v0/hosts', key: 'none' },
  { name: 'an unknown key', method: 'GET', path: '/api/v0/hosts', key: 'wrong' },
  {
    name: 'a read-only key writing',
    method: 'POST',
    path: '/api/v0/hosts',
    body: '{"name":"ro","meta":{}}',
    key: 'read',
  },
  { name: 'malformed JSON', method: 'POST', path: '/api/v0/hosts', body: '{"name":' },
  { name: 'a malformed metric post', method: 'POST', path: '/api/v0/tsdb', body: '[{"hostId":' },
  { name: 'a metric post that is no array', method: 'POST', path: '/api/v0/tsdb', body: '{"hostId":"x"}' },
  { name: 'a body over the limit', method: 'POST', path: '/api/v0/tsdb', body: oversized },
  {
    name: 'a body over the limit without a key',
    method: 'POST',
    path: '/api/v0/tsdb',
    body: oversized,
    key: 'none',
  },
  {
    name: 'a deeply nested body',
    method: 'POST',
    path: '/api/v0/hosts',
    body: `{"name":"deep","meta":{"x":${nested(200)}}}`,
  },
  { name: 'a long id', method: 'GET', path: `/api/v0/hosts/${'a'.repeat(300)}` },
  {
    name: 'a long id in a write',
    method: 'PUT',
    path: `/api/v0/hosts/${'b'.repeat(2000)}`,
    body: '{"name":"x","meta":{}}',
  },
  { name: 'an unknown route', method: 'GET', path: '/api/v0/nothing-here' },
  { name: 'a route with another method', method: 'DELETE', path: '/api/v0/tsdb' },
  {
    name: 'a binary body of garbage',
    method: 'POST',
    path: '/api/v0/tsdb',
    body: '\u0000\u0001garbage',
    headers: { 'content-type': 'application/octet-stream' },
  },
];

/** Good input whose shape API Gateway changes on the way: both fronts must still agree. */
const GOOD_INPUT: Case[] = [
  { name: 'duplicate query parameters', method: 'GET', path: '/api/v0/hosts?service=a&service=b' },
  { name: 'cookies', method: 'GET', path: '/api/v0/hosts', headers: { cookie: 'a=1; b=2' } },
  { name: 'header case', method: 'GET', path: '/api/v0/services', headers: { 'X-Extra-Header': 'Ignored' } },
];

async function ask(target: Target, c: Case) {
  const key =
    c.key === 'none'
      ? undefined
      : c.key === 'wrong'
        ? 'wrong-key-0000000000000'
        : c.key === 'read'
          ? target.readKey
          : target.key;
  return callFront(target.url, key, c.method, c.path, c.body, {
    ...(c.body !== undefined && { 'content-type': 'application/json' }),
    ...c.headers,
  });
}

/**
 * The app at its defaults, synthesized and run as deployed: the HTTP API front answers bad input
 * exactly as the local server does (status and Mackerel's body, nothing stored), a function that
 * throws is a failed invocation with its log line, and the admin CLI finds the tables by the stack.
 */
describe('AWS as deployed: the defaults', () => {
  let h: Harness;
  let local: TestServer;
  const targets: Record<'local' | 'aws', Target> = {} as never;

  beforeAll(async () => {
    [h, local] = await Promise.all([Harness.deploy({}), startTestServer()]);
    targets.aws = {
      url: h.front.url,
      key: await addTenant(h, 'default'),
      readKey: await addTenant(h, 'default', { permission: 'read' }),
    };
    targets.local = {
      url: local.url,
      key: local.key,
      readKey: (await createApiKey(local.runtime.deps, 'default', 'read', 'read')).key,
    };
  }, 180_000);
  afterAll(async () => {
    await h?.stop();
    await local?.destroy();
  });

  /** Asks both fronts; their statuses and bodies must be the same. The local server's answer. */
  const askBoth = async (c: Case) => {
    const [a, b] = [await ask(targets.local, c), await ask(targets.aws, c)];
    expect({ case: c.name, status: b.status, body: b.json }).toEqual({
      case: c.name,
      status: a.status,
      body: a.json,
    });
    return a;
  };

  it('answers bad input with the same status and Mackerel body as the local server, and stores nothing', {
    timeout: 120_000,
  }, async () => {
    const hostLists = () =>
      Promise.all(
        [targets.local, targets.aws].map(
          async (t) => (await ask(t, { name: '', method: 'GET', path: '/api/v0/hosts' })).json,
        ),
      );
    const hostsBefore = await hostLists();
    for (const c of BAD_INPUT) {
      const a = await askBoth(c);
      expect(a.status, c.name).toBeGreaterThanOrEqual(400);
      expect(a.status, c.name).toBeLessThan(500);
      expect(typeof a.json?.error?.message, c.name).toBe('string');
    }
    expect(await hostLists()).toEqual(hostsBefore);
    for (const c of GOOD_INPUT) expect((await askBoth(c)).status, c.name).toBe(200);
  });

  it('takes a JSON body sent as binary (API Gateway base64-encodes it) as the local server does', async () => {
    const c: Case = {
      name: 'binary',
      method: 'POST',
      path: '/api/v0/hosts',
      body: '{"name":"bin","meta":{}}',
      headers: { 'content-type': 'application/octet-stream' },
    };
    const [a, b] = [await ask(targets.local, c), await ask(targets.aws, c)];
    expect([a.status, b.status]).toEqual([200, 200]);
    const read = await callFront(h.front.url, targets.aws.key, 'GET', `/api/v0/hosts/${b.json.id}`);
    expect(read.json.host.name).toBe('bin');
  });

  it('serves the console and an embed link through the front without a key, and refuses an altered link', async () => {
    const key = targets.aws.key;
    const host = await callFront(h.front.url, key, 'POST', '/api/v0/hosts', '{"name":"embedded","meta":{}}');
    const now = Math.floor(Date.now() / 1000);
    await callFront(
      h.front.url,
      key,
      'POST',
      '/api/v0/tsdb',
      JSON.stringify([{ hostId: host.json.id, name: 'loadavg5', time: now, value: 2 }]),
    );
    const created = await callFront(h.front.url, key, 'POST', '/api/v0/embeds', {
      graph: { type: 'host', hostId: host.json.id, name: 'loadavg5' },
      range: { type: 'relative', period: 3600 },
      expiresAt: now + 3600,
    });
    expect(created.status, created.text).toBe(200);
    const svg = await fetch(`${h.front.url}${created.json.url}`);
    expect(svg.status).toBe(200);
    expect(svg.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
    expect((await svg.text()).match(/<polyline class="series"/g)).toHaveLength(1);
    expect((await fetch(`${h.front.url}${created.json.url.slice(0, -2)}zz`)).status).toBe(403);
    const page = await fetch(`${h.front.url}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/\/console\/app\.js\?v=/);
  });

  it('fails an invocation whose function throws, with its log line: a checker run with another input is no run', async () => {
    const checker = h.fn('MonitoringCheckerFunction');
    const wrong = await h.invoke(checker.spec.arn, { 'detail-type': 'Scheduled Event' });
    expect(wrong).toMatchObject({
      ok: false,
      errorMessage: expect.stringContaining('not a saba.checker schedule input'),
    });
    const [run] = await h.scheduler.fire('MonitoringEveryMinute');
    expect(run).toMatchObject({ ok: true, result: expect.objectContaining({ orgs: expect.any(Number) }) });
    expect(h.scheduler.find('MonitoringEveryMinute')).toMatchObject({
      expression: 'rate(1 minute)',
      input: JSON.stringify({ schedule: SCHEDULES.checker }),
      retryAttempts: 0,
    });
    await new Promise((r) => setTimeout(r, 500));
    expect(
      checker.logs.some((l) => l.includes('Invoke Error') && l.includes('not a saba.checker schedule input')),
    ).toBe(true);
  });

  it('lets the admin CLI find the entity table from the stack’s output (--stack)', async () => {
    const table = h.physical('AWS::DynamoDB::GlobalTable', 'Entities').ref;
    const cfn = new CloudFormationClient({
      endpoint: h.motoEndpoint,
      region: REGION,
      credentials: { accessKeyId: 'operator', secretAccessKey: 'operator' },
    });
    const data = h.assembly.stacks.find((s) => s.name === 'SabaData');
    expect(data?.template.Outputs?.EntityTableName).toBeDefined();
    await cfn.send(
      new CreateStackCommand({
        StackName: 'SabaData',
        TemplateBody: JSON.stringify({
          Resources: { Marker: { Type: 'AWS::SQS::Queue', Properties: {} } },
          Outputs: { EntityTableName: { Value: table } },
        }),
      }),
    );
    const run = (args: string[]) =>
      new Promise<{ code: number; out: string }>((resolve) =>
        execFile(
          process.execPath,
          ['infra/cli/saba.ts', ...args],
          {
            env: {
              ...process.env,
              AWS_ENDPOINT_URL: h.motoEndpoint,
              AWS_REGION: REGION,
              AWS_ACCESS_KEY_ID: 'operator',
              AWS_SECRET_ACCESS_KEY: 'operator',
            },
          },
          (err, stdout, stderr) =>
            resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, out: `${stdout}${stderr}` }),
        ),
      );
    const listed = await run(['orgs', 'list', '--stack', 'SabaData', '--region', REGION]);
    expect(listed.out).toMatch(/^default\t/m);
    expect(listed.code).toBe(0);
    expect((await run(['orgs', 'list', '--stack', 'NoSuchStack'])).code).not.toBe(0);
  });

  it('makes no AWS call its role does not allow', async () => {
    await h.shipLogs();
    const report = h.iamReport();
    expect(report.calls).toBeGreaterThan(20);
    expect(report.denied).toEqual([]);
  });
});
