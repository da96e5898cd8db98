import { execFile } from 'node:child_process';
import { CloudFormationClient, CreateStackCommand } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { CreateTableCommand, DynamoDBClient, UpdateTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { GetSendQuotaCommand, SESClient, VerifyEmailIdentityCommand } from '@aws-sdk/client-ses';
import { CreateQueueCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSaba } from '#infra/saba-app.ts';
import type { ApiEvent, ApiResult } from '#shared/http/event.ts';
import { startMoto } from '../support/moto.ts';
import { lambdaContext, sqsEventOf } from '../support/sqs.ts';

/**
 * The AWS composition end to end, against moto (a second implementation of the AWS APIs): tables
 * and queues made from the synthesized templates' own properties, then the deployed functions'
 * handlers, imported as Lambda imports them (configuration from the environment, clients at module
 * scope, every AWS call through AWS_ENDPOINT_URL to moto).
 */
type Handler = (event: unknown, context?: unknown) => Promise<unknown>;
const ORG = 'acme';
const SENDER = 'alerts@acme.example';
const FORWARD = { metrics: ['loadavg5'], namespace: 'Acme/Saba', dimensions: ['HostId', 'HostName'] };

describe('the deployed functions against moto', () => {
  let moto: Awaited<ReturnType<typeof startMoto>>;
  let fns: Record<'api' | 'ingest' | 'checker' | 'notifier' | 'dispatch' | 'worker' | 'forwarder', Handler>;
  let sqs: SQSClient;
  let ses: SESClient;
  const queues: Record<string, string> = {};

  beforeAll(async () => {
    moto = await startMoto();
    Object.assign(process.env, {
      AWS_ENDPOINT_URL: moto.endpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
    });
    const app = new App({ context: { senderEmail: SENDER, forwardToCloudWatch: JSON.stringify(FORWARD) } });
    const stacks = buildSaba(app);
    const data = Template.fromStack(stacks.data);
    const api = Template.fromStack(stacks.api);

    // Tables exactly as the template declares them (keys, billing, table class, TTL).
    const dynamo = new DynamoDBClient({});
    const tables: Record<string, string> = {};
    for (const [id, resource] of Object.entries(data.findResources('AWS::DynamoDB::GlobalTable'))) {
      const name = id.startsWith('Entities')
        ? 'saba-entities'
        : id.startsWith('MetricsArchive')
          ? 'saba-archive'
          : 'saba-metrics';
      const p = resource.Properties;
      await dynamo.send(
        new CreateTableCommand({
          TableName: name,
          KeySchema: p.KeySchema,
          AttributeDefinitions: p.AttributeDefinitions,
          BillingMode: p.BillingMode,
          ...(p.Replicas?.[0]?.TableClass && { TableClass: p.Replicas[0].TableClass }),
        }),
      );
      await dynamo.send(
        new UpdateTimeToLiveCommand({ TableName: name, TimeToLiveSpecification: p.TimeToLiveSpecification }),
      );
      tables[name] = name;
    }
    // Queues as declared: the notification and compaction queues with their visibility timeouts.
    sqs = new SQSClient({});
    for (const [id, resource] of Object.entries(api.findResources('AWS::SQS::Queue'))) {
      if (id.includes('DeadLetters')) continue;
      const out = await sqs.send(
        new CreateQueueCommand({
          QueueName: id,
          Attributes: { VisibilityTimeout: String(resource.Properties.VisibilityTimeout ?? 30) },
        }),
      );
      queues[
        id.startsWith('Monitoring') ? 'notifications' : id.startsWith('Forwarder') ? 'forward' : 'compaction'
      ] = out.QueueUrl as string;
    }
    // The forward rules as the template hands them to the ingest function.
    const ingestEnv = Object.entries(api.findResources('AWS::Lambda::Function')).find(([id]) =>
      id.startsWith('IngestFunction'),
    )?.[1].Properties.Environment.Variables;
    ses = new SESClient({});
    await ses.send(new VerifyEmailIdentityCommand({ EmailAddress: SENDER }));

    Object.assign(process.env, {
      SABA_TABLE_NAME: 'saba-entities',
      SABA_METRIC_STORE: 'dynamodb',
      SABA_METRICS_TABLE_NAME: 'saba-metrics',
      SABA_METRICS_ARCHIVE_TABLE_NAME: 'saba-archive',
      SABA_FORWARD_QUEUE_URL: queues.forward,
      SABA_FORWARD_RULES: ingestEnv.SABA_FORWARD_RULES,
      SABA_NOTIFICATION_QUEUE_URL: queues.notifications,
      SABA_COMPACTION_QUEUE_URL: queues.compaction,
      SABA_SENDER_EMAIL: SENDER,
      SABA_CONNECTIVITY_TIMEOUT_SECONDS: '1',
      SABA_LOG_LEVEL: 'error',
    });
    const load = async (entry: string) =>
      ((await import(`../../functions/${entry}.ts`)) as { handler: Handler }).handler;
    fns = {
      api: await load('api'),
      ingest: await load('ingest'),
      checker: await load('checker'),
      notifier: await load('notifier'),
      dispatch: await load('compaction-dispatch'),
      worker: await load('compaction-worker'),
      forwarder: await load('forwarder'),
    };
    const { composeEntityDeps } = await import('#shared/composition/entities.ts');
    const { createOrg } = await import('#shared/use-cases/admin.ts');
    const { addUser } = await import('#shared/use-cases/users/users.ts');
    const deps = composeEntityDeps({ tableName: 'saba-entities', region: 'us-east-1' });
    await createOrg(deps, ORG);
    await addUser(deps, ORG, 'oncall@acme.example', 'owner');
  }, 120_000);
  afterAll(() => moto?.stop());

  const call = async (fn: 'api' | 'ingest', method: string, path: string, body?: unknown, query = '') =>
    (await fns[fn](
      {
        rawPath: path,
        rawQueryString: query,
        headers: { 'content-type': 'application/json' },
        ...(body !== undefined && { body: JSON.stringify(body) }),
        isBase64Encoded: false,
        requestContext: { http: { method }, authorizer: { lambda: { orgId: ORG, permission: 'write' } } },
      } as unknown as ApiEvent,
      { awsRequestId: 'moto-test' },
    )) as ApiResult;

  /** What the SQS event source mapping would hand the function: the messages moto has, whole. */
  const sqsEvent = async (queueUrl: string): Promise<SQSEvent> => {
    const out = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
        MessageSystemAttributeNames: ['All'],
      }),
    );
    const name = queueUrl.split('/').at(-1);
    return sqsEventOf(
      (out.Messages ?? []).map((m) => ({
        messageId: m.MessageId as string,
        body: m.Body as string,
        receiptHandle: m.ReceiptHandle as string,
        attributes: m.Attributes as Partial<SQSRecord['attributes']>,
      })),
      `arn:aws:sqs:us-east-1:123456789012:${name}`,
    );
  };

  it('registers a host, takes its posts and reads its graph back', async () => {
    const created = await call('api', 'POST', '/api/v0/hosts', { name: 'aws-1', meta: {} });
    expect(created.statusCode).toBe(200);
    const hostId = JSON.parse(created.body).id;
    const now = Math.floor(Date.now() / 1000);
    const posted = await call('ingest', 'POST', '/api/v0/tsdb', [
      { hostId, name: 'loadavg5', time: now - 60, value: 1.5 },
      { hostId, name: 'loadavg5', time: now, value: 2.5 },
      { hostId, name: 'memory.used', time: now, value: 4e9 },
    ]);
    expect(posted.statusCode, posted.body).toBe(200);
    const graph = await call(
      'api',
      'GET',
      `/api/v0/hosts/${hostId}/metrics`,
      undefined,
      `name=loadavg5&from=${now - 600}&to=${now}`,
    );
    expect(JSON.parse(graph.body).metrics.map((p: { value: number }) => p.value)).toEqual([1.5, 2.5]);
    process.env.TEST_HOST_ID = hostId;
  });

  it('serves an embed link through the api function without any authorizer context', async () => {
    const hostId = process.env.TEST_HOST_ID as string;
    const created = await call('api', 'POST', '/api/v0/embeds', {
      graph: { type: 'host', hostId, name: 'loadavg5' },
      range: { type: 'relative', period: 3600 },
      expiresAt: Math.floor(Date.now() / 1000) + 3600,
    });
    expect(created.statusCode, created.body).toBe(200);
    const { url } = JSON.parse(created.body) as { url: string };
    const open = async (path: string) =>
      (await fns.api(
        {
          rawPath: path,
          rawQueryString: '',
          headers: {},
          isBase64Encoded: false,
          requestContext: { http: { method: 'GET' } },
        } as unknown as ApiEvent,
        { awsRequestId: 'moto-embed' },
      )) as ApiResult;
    const svg = await open(url);
    expect(svg.statusCode).toBe(200);
    expect(svg.headers?.['content-type']).toMatch(/^image\/svg\+xml/);
    expect(svg.body.match(/<polyline class="series"/g)).toHaveLength(1);
    expect((await open(`${url.slice(0, -2)}zz`)).statusCode).toBe(403);
  });

  it('mirrors the chosen metric into CloudWatch through the forward queue, readable with GetMetricData', async () => {
    const hostId = process.env.TEST_HOST_ID as string;
    const event = await sqsEvent(queues.forward as string);
    expect(event.Records).toHaveLength(1);
    const out = (await fns.forwarder(event, lambdaContext(30_000))) as { batchItemFailures: unknown[] };
    expect(out.batchItemFailures).toEqual([]);
    const now = Math.floor(Date.now() / 1000);
    const cw = new CloudWatchClient({});
    /** The last 15 minutes of one series, as CloudWatch has it. */
    const read = async (name: string) => {
      const out = await cw.send(
        new GetMetricDataCommand({
          StartTime: new Date((now - 900) * 1000),
          EndTime: new Date((now + 60) * 1000),
          MetricDataQueries: [
            {
              Id: 'q',
              MetricStat: {
                Metric: {
                  Namespace: 'Acme/Saba',
                  MetricName: name,
                  Dimensions: [
                    { Name: 'HostId', Value: hostId },
                    { Name: 'HostName', Value: 'aws-1' },
                  ],
                },
                Period: 60,
                Stat: 'Maximum',
              },
            },
          ],
        }),
      );
      return [...(out.MetricDataResults?.[0]?.Values ?? [])].sort();
    };
    expect(await read('loadavg5')).toEqual([1.5, 2.5]);
    // memory.used was posted too, but is not on the allow-list.
    expect(await read('memory.used')).toEqual([]);
  });

  it('raises a silent host’s alert from the checker, and the notifier emails it once through SES', async () => {
    await new Promise((r) => setTimeout(r, 2500));
    const stats = (await fns.checker({})) as { orgs: number; hosts: number };
    expect(stats).toMatchObject({ orgs: 1, hosts: 1 });
    const alerts = JSON.parse((await call('api', 'GET', '/api/v0/alerts')).body).alerts;
    expect(alerts).toEqual([
      expect.objectContaining({ type: 'connectivity', hostId: process.env.TEST_HOST_ID, status: 'CRITICAL' }),
    ]);

    const event = await sqsEvent(queues.notifications as string);
    expect(event.Records).toHaveLength(1);
    const first = (await fns.notifier(event, lambdaContext(30_000))) as { batchItemFailures: unknown[] };
    expect(first.batchItemFailures).toEqual([]);
    // SQS delivers at least once: the same message again sends nothing more.
    expect(
      ((await fns.notifier(event, lambdaContext(30_000))) as { batchItemFailures: unknown[] })
        .batchItemFailures,
    ).toEqual([]);
    const quota = await ses.send(new GetSendQuotaCommand({}));
    expect(quota.SentLast24Hours).toBe(1);
  });

  it('lets the admin CLI find the entity table from the stack’s output (--stack)', async () => {
    const cfn = new CloudFormationClient({});
    await cfn.send(
      new CreateStackCommand({
        StackName: 'SabaData',
        TemplateBody: JSON.stringify({
          Resources: { Marker: { Type: 'AWS::SQS::Queue', Properties: {} } },
          Outputs: { EntityTableName: { Value: 'saba-entities' } },
        }),
      }),
    );
    const run = (args: string[]) =>
      new Promise<{ code: number; out: string }>((resolve) =>
        execFile(
          process.execPath,
          ['infra/cli/saba.ts', ...args],
          { env: process.env },
          (err, stdout, stderr) =>
            resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, out: `${stdout}${stderr}` }),
        ),
      );
    const listed = await run(['orgs', 'list', '--stack', 'SabaData', '--region', 'us-east-1']);
    expect(listed.out).toMatch(/^acme\t/m);
    expect(listed.code).toBe(0);
    expect((await run(['users', 'list', '--org', ORG, '--stack', 'SabaData'])).out).toContain(
      'oncall@acme.example',
    );
    const missing = await run(['orgs', 'list', '--stack', 'NoSuchStack']);
    expect(missing.code).not.toBe(0);
  });

  it('dispatches compaction jobs through SQS and the worker takes them', async () => {
    const dispatched = (await fns.dispatch({})) as { jobs: number };
    expect(dispatched.jobs).toBe(32);
    const event = await sqsEvent(queues.compaction as string);
    expect(event.Records.length).toBeGreaterThan(0);
    expect(
      ((await fns.worker(event, lambdaContext(60_000))) as { batchItemFailures: unknown[] })
        .batchItemFailures,
    ).toEqual([]);
  });
});
