import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { AlbFront, type AlbSpec } from '../support/deployed/alb-front.ts';
import type { AwsCall } from '../support/deployed/aws-calls.ts';
import { FunctionUrlFront } from '../support/deployed/function-url-front.ts';
import { eventually } from '../support/deployed/http.ts';
import { HttpApiFront, type HttpApiSpec, selectRoute } from '../support/deployed/http-api-front.ts';
import { evaluate, type Statement } from '../support/deployed/iam-policy.ts';
import { resolve } from '../support/deployed/intrinsics.ts';
import { LambdaFunction } from '../support/deployed/lambda-service.ts';
import { nextRunIn, Scheduler } from '../support/deployed/schedules.ts';

/** The AWS harness's own parts (test/support/deployed/), checked against what AWS documents. */
describe('the IAM evaluator', () => {
  const table = 'arn:aws:dynamodb:us-east-1:123456789012:table/entities';
  const policy: Statement[] = [
    {
      Effect: 'Allow',
      Action: ['dynamodb:GetItem', 'dynamodb:Query'],
      Resource: table,
      Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['O#*', 'ORGS'] } },
    },
    {
      Effect: 'Allow',
      Action: 'cloudwatch:PutMetricData',
      Resource: '*',
      Condition: { StringEquals: { 'cloudwatch:namespace': 'Saba' } },
    },
    { Effect: 'Allow', Action: 'logs:*', Resource: 'arn:aws:logs:us-east-1:123456789012:log-group:g:*' },
    { Effect: 'Deny', Action: 'logs:DeleteLogGroup', Resource: '*' },
  ];
  const ask = (action: string, resource: string, context: Record<string, string | string[]> = {}) =>
    evaluate(policy, { action, resource, context });

  it('allows only the listed actions on the listed resources (actions case-insensitively)', () => {
    expect(ask('dynamodb:GetItem', table, { 'dynamodb:LeadingKeys': ['O#acme'] })).toBe('allowed');
    expect(ask('DynamoDB:getitem', table, { 'dynamodb:LeadingKeys': ['O#acme'] })).toBe('allowed');
    expect(ask('dynamodb:PutItem', table, { 'dynamodb:LeadingKeys': ['O#acme'] })).toBe('implicitly denied');
    expect(ask('dynamodb:GetItem', `${table}2`, { 'dynamodb:LeadingKeys': ['O#acme'] })).toBe(
      'implicitly denied',
    );
    expect(ask('logs:PutLogEvents', 'arn:aws:logs:us-east-1:123456789012:log-group:g:log-stream:s')).toBe(
      'allowed',
    );
    expect(ask('logs:PutLogEvents', 'arn:aws:logs:us-east-1:123456789012:log-group:other:log-stream:s')).toBe(
      'implicitly denied',
    );
  });

  it('judges set conditions as IAM does: every key must match for ForAllValues, and no key matches vacuously', () => {
    expect(ask('dynamodb:Query', table, { 'dynamodb:LeadingKeys': ['O#a', 'ORGS'] })).toBe('allowed');
    expect(ask('dynamodb:Query', table, { 'dynamodb:LeadingKeys': ['O#a', 'KEY#x'] })).toBe(
      'implicitly denied',
    );
    expect(ask('dynamodb:Query', table, { 'dynamodb:LeadingKeys': [] })).toBe('allowed');
  });

  it('checks single-valued conditions and lets an explicit Deny win', () => {
    expect(ask('cloudwatch:PutMetricData', '*', { 'cloudwatch:namespace': 'Saba' })).toBe('allowed');
    expect(ask('cloudwatch:PutMetricData', '*', { 'cloudwatch:namespace': 'AWS/EC2' })).toBe(
      'implicitly denied',
    );
    expect(ask('cloudwatch:PutMetricData', '*')).toBe('implicitly denied');
    expect(ask('logs:DeleteLogGroup', 'arn:aws:logs:us-east-1:123456789012:log-group:g:*')).toBe(
      'explicitly denied',
    );
  });

  it('refuses to judge a condition operator it does not know', () => {
    const odd: Statement[] = [
      {
        Effect: 'Allow',
        Action: '*',
        Resource: '*',
        Condition: { DateLessThan: { 'aws:CurrentTime': '2030' } },
      },
    ];
    expect(() => evaluate(odd, { action: 's3:GetObject', resource: '*', context: {} })).toThrow(
      /DateLessThan/,
    );
  });
});

describe('HTTP API route selection', () => {
  const routes = [
    { routeKey: 'GET /api/v0/hosts/{hostId}', integration: 'api', authorizationType: 'NONE' },
    { routeKey: 'GET /api/v0/hosts/bulk', integration: 'bulk', authorizationType: 'NONE' },
    { routeKey: 'GET /api/v0/x/{rest+}', integration: 'greedy', authorizationType: 'NONE' },
    { routeKey: 'POST /api/v0/tsdb', integration: 'ingest', authorizationType: 'NONE' },
    { routeKey: '$default', integration: 'default', authorizationType: 'NONE' },
  ];
  it('prefers literal segments, passes path parameters, and falls back to $default', () => {
    expect(selectRoute(routes, 'GET', '/api/v0/hosts/bulk')?.integration).toBe('bulk');
    expect(selectRoute(routes, 'GET', '/api/v0/hosts/abc')).toEqual({
      routeKey: 'GET /api/v0/hosts/{hostId}',
      integration: 'api',
      pathParameters: { hostId: 'abc' },
    });
    expect(selectRoute(routes, 'GET', '/api/v0/x/a/b')?.pathParameters).toEqual({ rest: 'a/b' });
    expect(selectRoute(routes, 'GET', '/api/v0/tsdb')?.routeKey).toBe('$default');
    expect(selectRoute(routes, 'GET', '/api/v0/hosts/abc/more')?.routeKey).toBe('$default');
  });
});

describe('schedules and intrinsics', () => {
  it('times rate and cron schedules', () => {
    const at = new Date('2026-12-02T10:15:30Z');
    expect(nextRunIn('rate(1 minute)', at)).toBe(60_000);
    expect(nextRunIn('cron(30 0 * * ? *)', at)).toBe(
      new Date('2026-12-03T00:30:00Z').getTime() - at.getTime(),
    );
  });
  it('resolves references, joins and substitutions, and fails on what the deployment lacks', () => {
    const r = {
      ref: (id: string) => (id === 'Q' ? 'queue-url' : undefined),
      attr: () => 'arn:x',
      importValue: () => undefined,
    };
    expect(resolve({ 'Fn::Join': ['', ['a-', { Ref: 'Q' }, '-', { Ref: 'AWS::Region' }]] }, r)).toBe(
      'a-queue-url-us-east-1',
    );
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Fn::Sub's own placeholders
    expect(resolve({ 'Fn::Sub': 'x:${Q}:${Q.Arn}:${AWS::AccountId}' }, r)).toBe(
      'x:queue-url:arn:x:123456789012',
    );
    expect(() => resolve({ Ref: 'Missing' }, r)).toThrow(/Missing/);
    expect(() => resolve({ 'Fn::ImportValue': 'SabaData:Nope' }, r)).toThrow(/SabaData:Nope/);
  });
});

describe('a function run as Lambda runs it', () => {
  const root = mkdtempSync(join(tmpdir(), 'saba-fn-'));
  writeFileSync(
    join(root, 'index.mjs'),
    [
      'export const handler = async (event, context) => {',
      "  if (event.throw) throw new TypeError('broken');",
      '  if (event.sleep) await new Promise((r) => setTimeout(r, event.sleep));',
      '  if (event.hog) { const keep = []; for (;;) keep.push(new Array(1e6).fill(Math.random())); }',
      '  return { env: Object.keys(process.env), remaining: context.getRemainingTimeInMillis(), pid: process.pid };',
      '};',
    ].join('\n'),
  );
  const fn = new LambdaFunction(
    {
      logicalId: 'Fn',
      name: 'fn',
      arn: 'arn:aws:lambda:us-east-1:123456789012:function:fn',
      role: 'FnRole',
      taskRoot: root,
      handler: 'index.handler',
      runtime: 'nodejs24.x',
      environment: { SABA_TABLE_NAME: 'entities' },
      timeoutSeconds: 1,
      memoryMb: 64,
      logGroup: 'g',
    },
    { endpoint: 'http://127.0.0.1:9' },
  );
  afterAll(() => fn.stop());

  it('gives the handler the template’s variables and Lambda’s own, nothing of the test process', async () => {
    const out = await fn.invoke({});
    expect(out.ok).toBe(true);
    const { env, remaining } = (out as { result: { env: string[]; remaining: number } }).result;
    expect(env).toContain('SABA_TABLE_NAME');
    expect(env).toContain('AWS_LAMBDA_FUNCTION_NAME');
    expect(env).not.toContain('VITEST');
    expect(env).not.toContain('npm_lifecycle_event');
    expect(remaining).toBeGreaterThan(0);
    expect(remaining).toBeLessThanOrEqual(1000);
  });

  it('fails a thrown invocation with its log line, and kills one that runs past the timeout', async () => {
    const thrown = await fn.invoke({ throw: true });
    expect(thrown).toMatchObject({ ok: false, errorType: 'TypeError', errorMessage: 'broken' });
    // The log line comes down its own pipe: it arrives, if not always before the answer.
    await eventually(
      async () =>
        fn.logs.some((l) => l.includes('Invoke Error') && l.includes('broken')) ? true : undefined,
      5000,
      'the error line',
    );
    const warm = (await fn.invoke({})) as { result: { pid: number } };
    const slow = await fn.invoke({ sleep: 3000 });
    expect(slow).toMatchObject({ ok: false, errorType: 'Sandbox.Timedout' });
    expect(fn.logs.some((l) => l.includes('Task timed out after 1.00 seconds'))).toBe(true);
    // The timed-out container is gone: the next invocation starts a new one.
    const after = (await fn.invoke({})) as { ok: boolean; result: { pid: number } };
    expect(after.ok).toBe(true);
    expect(after.result.pid).not.toBe(warm.result.pid);
  });

  it('caps the heap at the template’s memory size', async () => {
    const hog = await fn.invoke({ hog: true });
    expect(hog).toMatchObject({ ok: false, errorType: 'Runtime.ExitError' });
  }, 20_000);
});

describe('the Scheduler at its rate, and the front when a function fails', () => {
  it('invokes the target with the template’s input at the schedule’s rate, as the schedule’s role', async () => {
    vi.useFakeTimers();
    try {
      const events: unknown[] = [];
      const calls: AwsCall[] = [];
      const scheduler = new Scheduler(
        [
          {
            logicalId: 'EveryMinute',
            expression: 'rate(1 minute)',
            functionArn: 'arn:fn',
            role: 'SchedulerRole',
            input: '{"schedule":"saba.checker"}',
            retryAttempts: 0,
            enabled: true,
          },
        ],
        async (_arn, event) => {
          events.push(event);
          return { ok: true, result: null, requestId: 'r' };
        },
        calls,
      );
      scheduler.start();
      await vi.advanceTimersByTimeAsync(59_000);
      expect(events).toEqual([]);
      await vi.advanceTimersByTimeAsync(2_000);
      await vi.advanceTimersByTimeAsync(60_000);
      expect(events).toEqual([{ schedule: 'saba.checker' }, { schedule: 'saba.checker' }]);
      expect(calls.map((c) => [c.principal, c.action, c.resource])).toEqual([
        ['SchedulerRole', 'lambda:InvokeFunction', 'arn:fn'],
        ['SchedulerRole', 'lambda:InvokeFunction', 'arn:fn'],
      ]);
      scheduler.stop();
    } finally {
      vi.useRealTimers();
    }
  });

  it('answers API Gateway’s 500 for a failed invocation and for a missing Lambda permission, and logs why', async () => {
    const spec: HttpApiSpec = {
      apiId: 'abc',
      routes: [
        { routeKey: 'GET /fails', integration: 'i1', authorizationType: 'NONE' },
        { routeKey: 'GET /forbidden', integration: 'i2', authorizationType: 'NONE' },
      ],
      integrations: new Map([
        ['i1', { functionArn: 'arn:fails', payloadFormatVersion: '2.0', timeoutMs: 30_000 }],
        ['i2', { functionArn: 'arn:unpermitted', payloadFormatVersion: '2.0', timeoutMs: 30_000 }],
      ]),
      stage: {
        name: '$default',
        accessLogFormat: '{"s":"$context.status","err":"$context.integrationErrorMessage"}',
      },
      permissions: [
        {
          functionArn: 'arn:fails',
          principal: 'apigateway.amazonaws.com',
          sourceArn: 'arn:aws:execute-api:us-east-1:123456789012:abc/*/*/fails',
        },
      ],
      domains: [],
    };
    const front = new HttpApiFront(spec, {
      invoke: async () => ({ ok: false, errorType: 'Error', errorMessage: 'boom', requestId: 'r' }),
    });
    await front.start();
    try {
      const failed = await fetch(`${front.url}/fails`);
      expect([failed.status, await failed.json()]).toEqual([500, { message: 'Internal Server Error' }]);
      const unpermitted = await fetch(`${front.url}/forbidden`);
      expect(unpermitted.status).toBe(500);
      expect(front.invokes.map((i) => i.permitted)).toEqual([true, false]);
      expect(front.accessLog.map((l) => JSON.parse(l))).toEqual([
        { s: '500', err: 'boom' },
        { s: '500', err: 'Invalid permissions on Lambda function' },
      ]);
    } finally {
      await front.stop();
    }
  });

  it('answers 503 past the integration timeout and 413 for a body over 10 MB or an event over 6 MB, as API Gateway does', async () => {
    const slow: HttpApiSpec = {
      apiId: 'abc',
      routes: [{ routeKey: '$default', integration: 'i', authorizationType: 'NONE' }],
      integrations: new Map([
        ['i', { functionArn: 'arn:slow', payloadFormatVersion: '2.0', timeoutMs: 200 }],
      ]),
      stage: { name: '$default' },
      permissions: [{ functionArn: 'arn:slow', principal: 'apigateway.amazonaws.com' }],
      domains: [],
    };
    const invoked: unknown[] = [];
    const front = new HttpApiFront(slow, {
      invoke: async (_arn, event) => {
        invoked.push(event);
        await new Promise((r) => setTimeout(r, 1000));
        return { ok: true, result: { statusCode: 200, body: '{}' }, requestId: 'r' };
      },
    });
    await front.start();
    try {
      const late = await fetch(`${front.url}/x`);
      expect([late.status, await late.json()]).toEqual([503, { message: 'Service Unavailable' }]);
      const huge = await fetch(`${front.url}/x`, { method: 'POST', body: 'x'.repeat(10 * 1024 * 1024 + 1) });
      expect([huge.status, await huge.json()]).toEqual([413, { message: 'Request Entity Too Large' }]);
      const big = await fetch(`${front.url}/x`, { method: 'POST', body: 'x'.repeat(7 * 1024 * 1024) });
      expect([big.status, await big.json()]).toEqual([413, { message: 'Request Entity Too Large' }]);
      expect(invoked).toHaveLength(1); // neither oversized request reached the function
    } finally {
      await front.stop();
    }
  });

  it('opens a function URL to anyone only with both of Lambda’s public-invoke permissions, and passes its event and answer through', async () => {
    const events: Record<string, unknown>[] = [];
    const lambda = {
      invoke: async (_arn: string, event: unknown) => {
        events.push(event as Record<string, unknown>);
        return {
          ok: true as const,
          result: { statusCode: 201, body: 'ok', cookies: ['a=1'] },
          requestId: 'r',
        };
      },
    };
    const urlPermission = {
      functionArn: 'arn:fn',
      action: 'lambda:InvokeFunctionUrl',
      principal: '*',
      functionUrlAuthType: 'NONE',
    };
    const invokePermission = {
      functionArn: 'arn:fn',
      action: 'lambda:InvokeFunction',
      principal: '*',
      invokedViaFunctionUrl: true,
    };
    const half = new FunctionUrlFront(
      { urlId: 'u1', functionArn: 'arn:fn', authType: 'NONE', permissions: [urlPermission] },
      lambda,
    );
    const whole = new FunctionUrlFront(
      {
        urlId: 'u1',
        functionArn: 'arn:fn',
        authType: 'NONE',
        permissions: [urlPermission, invokePermission],
      },
      lambda,
    );
    await Promise.all([half.start(), whole.start()]);
    try {
      const refused = await fetch(`${half.url}/api/v0/org`);
      expect([refused.status, await refused.json()]).toEqual([403, { Message: 'Forbidden' }]);
      expect(events).toHaveLength(0);
      const answered = await fetch(`${whole.url}/api/v0/hosts/x?a=1&a=2`, { headers: { 'X-Api-Key': 'k' } });
      expect([answered.status, await answered.text(), answered.headers.get('set-cookie')]).toEqual([
        201,
        'ok',
        'a=1',
      ]);
      expect(events[0]).toMatchObject({
        version: '2.0',
        routeKey: '$default',
        rawPath: '/api/v0/hosts/x',
        rawQueryString: 'a=1&a=2',
        queryStringParameters: { a: '1,2' },
        headers: { 'x-api-key': 'k' },
        requestContext: { domainName: 'u1.lambda-url.us-east-1.on.aws', http: { method: 'GET' } },
      });
      expect(events[0]).not.toHaveProperty('pathParameters');
    } finally {
      await Promise.all([half.stop(), whole.stop()]);
    }
  });

  it('hands a load balancer’s Lambda target the ALB event (query still encoded, multi-value) and refuses over 1 MB itself', async () => {
    const events: Record<string, unknown>[] = [];
    const spec: AlbSpec = {
      listener: { protocol: 'HTTPS', port: 443, certificateArns: ['arn:cert'] },
      targetGroup: { arn: 'arn:tg', functionArn: 'arn:fn', multiValueHeaders: true },
      permissions: [
        {
          functionArn: 'arn:fn',
          action: 'lambda:InvokeFunction',
          principal: 'elasticloadbalancing.amazonaws.com',
          sourceArn: 'arn:tg',
        },
      ],
    };
    const front = new AlbFront(spec, {
      invoke: async (_arn, event) => {
        events.push(event as Record<string, unknown>);
        return {
          ok: true,
          result: {
            statusCode: 200,
            statusDescription: '200 OK',
            multiValueHeaders: { 'x-a': ['1'] },
            body: '{}',
          },
          requestId: 'r',
        };
      },
    });
    const throttled = new AlbFront(spec, {
      invoke: async () => ({
        ok: false,
        errorType: 'TooManyRequestsException',
        errorMessage: 'Rate Exceeded.',
        requestId: 'r',
      }),
    });
    await Promise.all([front.start(), throttled.start()]);
    try {
      const res = await fetch(`${front.url}/api/v0/hosts?status=working&status=standby&q=a%2Fb`, {
        headers: { 'X-Api-Key': 'k' },
      });
      expect([res.status, res.headers.get('x-a')]).toEqual([200, '1']);
      expect(events[0]).toMatchObject({
        requestContext: { elb: { targetGroupArn: 'arn:tg' } },
        httpMethod: 'GET',
        path: '/api/v0/hosts',
        multiValueQueryStringParameters: { status: ['working', 'standby'], q: ['a%2Fb'] },
        multiValueHeaders: {
          'x-api-key': ['k'],
          'x-forwarded-proto': ['https'],
          'x-forwarded-for': ['127.0.0.1'],
        },
      });
      const big = await fetch(`${front.url}/api/v0/tsdb`, {
        method: 'POST',
        body: 'x'.repeat(1024 * 1024 + 1),
      });
      expect(big.status).toBe(413);
      expect(events).toHaveLength(1);
      expect((await fetch(`${throttled.url}/api/v0/org`)).status).toBe(503);
    } finally {
      await Promise.all([front.stop(), throttled.stop()]);
    }
  });
});
