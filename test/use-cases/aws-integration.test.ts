import { APIGatewayClient, CreateRestApiCommand } from '@aws-sdk/client-api-gateway';
import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeImagesCommand,
  DescribeSubnetsCommand,
  EC2Client,
  RunInstancesCommand,
  TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import {
  CreateLoadBalancerCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { CreateFunctionCommand, DeleteFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { CreateDBInstanceCommand, RDSClient } from '@aws-sdk/client-rds';
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAwsCloudAccess } from '#shared/adapters/aws/cloud-account.ts';
import { ec2CustomIdentifier } from '#shared/domain/integrations/aws-integration.ts';
import type { CloudAccess, CloudAccount } from '#shared/ports/cloud.ts';
import { awsIntegrationSchema } from '#shared/schemas/aws-integrations.ts';
import { parseBody } from '#shared/schemas/parse.ts';
import { registerHost } from '#shared/use-cases/hosts/register-host.ts';
import { createAwsIntegration, getAwsIntegration } from '#shared/use-cases/integrations/aws-integrations.ts';
import { retireTerminatedInstances } from '#shared/use-cases/integrations/quiet-scale-in.ts';
import { runAwsIntegrations } from '#shared/use-cases/integrations/run-integrations.ts';
import { retireAndCloseAlerts } from '#shared/use-cases/retire-hosts.ts';
import { startTestDynamo, type TestDynamo } from '../support/dynalite.ts';
import { agentPost, check, type MonitoringDeps, monitoringWorld } from '../support/monitoring.ts';
import { startMoto } from '../support/moto.ts';

const REGION = 'us-east-1';
const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };

let moto: Awaited<ReturnType<typeof startMoto>>;
let dynamo: TestDynamo;
let access: CloudAccess;
/** Every account the integration opened, so the test can count its AWS requests. */
const opened: CloudAccount[] = [];
const client = <C>(Make: new (config: object) => C): C =>
  new Make({ region: REGION, endpoint: moto.endpoint, credentials });

beforeAll(async () => {
  [moto, dynamo] = await Promise.all([startMoto(), startTestDynamo()]);
  const base = createAwsCloudAccess({ endpoint: moto.endpoint, credentials });
  access = (c) => {
    const account = base(c);
    opened.push(account);
    return account;
  };
}, 60_000);

afterAll(async () => {
  await Promise.all([moto?.stop(), dynamo?.stop()]);
});

const NOW = Math.floor(Date.now() / 1000 / 60) * 60;
const noLog = () => {};

async function launch(count: number, tags: Record<string, string> = {}): Promise<string[]> {
  const ec2 = client(EC2Client);
  const images = await ec2.send(new DescribeImagesCommand({}));
  const out = await ec2.send(
    new RunInstancesCommand({
      ImageId: images.Images?.[0]?.ImageId ?? 'ami-12c6146b',
      MinCount: count,
      MaxCount: count,
      InstanceType: 't3.micro',
      ...(Object.keys(tags).length > 0 && {
        TagSpecifications: [
          { ResourceType: 'instance', Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) },
        ],
      }),
    }),
  );
  return (out.Instances ?? []).map((i) => i.InstanceId ?? '');
}

async function cpu(instanceId: string, value: number, at: number): Promise<void> {
  await client(CloudWatchClient).send(
    new PutMetricDataCommand({
      Namespace: 'AWS/EC2',
      MetricData: [
        {
          MetricName: 'CPUUtilization',
          Dimensions: [{ Name: 'InstanceId', Value: instanceId }],
          Timestamp: new Date(at * 1000),
          Value: value,
          Unit: 'Percent',
        },
      ],
    }),
  );
}

const integrationBody = (services: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  parseBody(awsIntegrationSchema, {
    name: `aws-${Math.random()}`,
    memo: '',
    region: REGION,
    services,
    ...extra,
  });

const retire = retireAndCloseAlerts;

describe('the AWS integration against moto', () => {
  let deps: MonitoringDeps;

  beforeAll(async () => {
    deps = await monitoringWorld(dynamo, NOW);
  });

  it('makes one host per resource of every enabled service, with its CloudWatch metrics and graphs', async () => {
    const [tagged, staging] = [
      await launch(1, { env: 'prod', Name: 'web-1' }),
      await launch(1, { env: 'staging' }),
    ];
    const web = tagged[0] ?? '';
    await cpu(web, 42.5, NOW - 120);
    const subnets = (await client(EC2Client).send(new DescribeSubnetsCommand({}))).Subnets ?? [];
    await client(ElasticLoadBalancingV2Client).send(
      new CreateLoadBalancerCommand({
        Name: 'front',
        Subnets: subnets.slice(0, 2).map((s) => s.SubnetId ?? ''),
        Type: 'application',
        Tags: [{ Key: 'env', Value: 'prod' }],
      }),
    );
    await client(RDSClient).send(
      new CreateDBInstanceCommand({
        DBInstanceIdentifier: 'orders-db',
        DBInstanceClass: 'db.t3.micro',
        Engine: 'postgres',
        AllocatedStorage: 20,
        MasterUsername: 'admin',
        MasterUserPassword: 'password123',
        Tags: [{ Key: 'env', Value: 'prod' }],
      }),
    );
    const role = await client(IAMClient).send(
      new CreateRoleCommand({ RoleName: 'fn-role', AssumeRolePolicyDocument: '{}' }),
    );
    await client(LambdaClient).send(
      new CreateFunctionCommand({
        FunctionName: 'resize',
        Runtime: 'nodejs22.x',
        Role: role.Role?.Arn ?? '',
        Handler: 'index.handler',
        Code: { ZipFile: new Uint8Array([0x50, 0x4b, 0x05, 0x06, ...new Array(18).fill(0)]) },
        Tags: { env: 'prod' },
      }),
    );
    await client(SQSClient).send(new CreateQueueCommand({ QueueName: 'jobs', tags: { env: 'prod' } }));
    await client(DynamoDBClient).send(
      new CreateTableCommand({
        TableName: 'carts',
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
        Tags: [{ Key: 'env', Value: 'prod' }],
      }),
    );
    await client(APIGatewayClient).send(new CreateRestApiCommand({ name: 'public', tags: { env: 'prod' } }));

    const on = { enable: true, role: 'aws:prod', excludedMetrics: [] };
    const integration = await createAwsIntegration(
      deps,
      'acme',
      integrationBody(
        {
          EC2: { ...on, excludedMetrics: ['ec2.cpu_credit.used'], retireAutomatically: true },
          ALB: {
            ...on,
            excludedMetrics: ['alb.response.time_p90', 'alb.response.time_p95', 'alb.response.time_p99'],
          },
          RDS: on,
          Lambda: on,
          SQS: on,
          DynamoDB: on,
          APIGateway: on,
          CloudFront: { enable: false, role: null, excludedMetrics: [] },
        },
        { includedTags: 'env:prod' },
      ),
    );
    const stats = await runAwsIntegrations(deps, access, retire, noLog);
    expect(stats.problems).toBe(0);
    expect(stats.resources).toBe(7);

    const hosts = (await deps.entities.hosts.list('acme')).filter((h) => h.meta.cloud);
    const byProvider = Object.fromEntries(
      hosts.map((h) => [(h.meta.cloud as { provider: string }).provider, h]),
    );
    expect(Object.keys(byProvider).sort()).toEqual([
      'alb',
      'apigateway',
      'dynamodb',
      'ec2',
      'lambda',
      'rds',
      'sqs',
    ]);
    // Tag filters: the staging instance is left out.
    expect(hosts.some((h) => h.customIdentifier === ec2CustomIdentifier(staging[0] ?? ''))).toBe(false);
    const ec2Host = byProvider.ec2;
    expect(ec2Host?.customIdentifier).toBe(ec2CustomIdentifier(web));
    expect(ec2Host?.name).toBe('web-1');
    expect(ec2Host?.size).toBe('standard');
    expect(byProvider.rds?.size).toBe('micro');
    expect(byProvider.lambda?.name).toBe('resize');
    expect(ec2Host?.roles).toEqual({ aws: ['prod'] });
    expect(
      (ec2Host?.meta.cloud as { metadata?: { instanceType: string } } | undefined)?.metadata?.instanceType,
    ).toBe('t3.micro');

    // The point put into CloudWatch, read back through GetMetricData under Mackerel's name.
    const points = await deps.metrics.range(
      'acme',
      { kind: 'host', id: ec2Host?.id ?? '' },
      'ec2.cpu.used',
      NOW - 600,
      NOW,
      60,
    );
    expect(points).toEqual([{ time: NOW - 120, value: 42.5 }]);
    const defs = (await deps.entities.graphDefs.list('acme')).map((g) => g.name);
    expect(defs).toEqual(
      expect.arrayContaining(['ec2.cpu', 'alb.request', 'rds.cpu', 'lambda.count', 'sqs.message_count']),
    );

    const shown = await getAwsIntegration(deps, 'acme', integration.id);
    expect(shown.lastRun).toMatchObject({ resources: 7, problems: [], retired: 0 });
    expect(shown.lastRun?.requests).toBeGreaterThan(0);
  });

  it('never asks CloudWatch for an excluded metric', async () => {
    const seen: string[] = [];
    const spying: CloudAccess = (c) => {
      const account = access(c);
      return {
        discover: (s, t) => account.discover(s, t),
        instanceStates: (ids) => account.instanceStates(ids),
        get requests() {
          return account.requests;
        },
        metricData: (queries, from, to, period) => {
          seen.push(...queries.map((q) => `${q.namespace}/${q.metric}/${q.stat}`));
          return account.metricData(queries, from, to, period);
        },
      };
    };
    await runAwsIntegrations(deps, spying, retire, noLog);
    expect(seen).toContain('AWS/EC2/CPUUtilization/Average');
    expect(seen).not.toContain('AWS/EC2/CPUCreditUsage/Average');
    expect(seen.filter((q) => q.startsWith('AWS/ApplicationELB/TargetResponseTime/p'))).toEqual([]);
    expect(seen.filter((q) => q.startsWith('AWS/ApplicationELB/TargetResponseTime/Average'))).toHaveLength(1);
  });

  it('merges an agent on an EC2 instance and the integration into one host', async () => {
    const [id = ''] = await launch(1, { env: 'prod' });
    const { id: agentHost } = await registerHost(deps, 'acme', {
      name: 'ip-10-0-0-1',
      meta: { agent_name: 'mackerel-agent' },
      customIdentifier: ec2CustomIdentifier(id),
    });
    await cpu(id, 7, NOW - 60);
    await runAwsIntegrations(deps, access, retire, noLog);
    const same = (await deps.entities.hosts.list('acme')).filter(
      (h) => h.customIdentifier === ec2CustomIdentifier(id),
    );
    expect(same.map((h) => h.id)).toEqual([agentHost]);
    expect(same[0]?.agentless).toBeUndefined();
    expect((same[0]?.meta.cloud as { provider?: string } | undefined)?.provider).toBe('ec2');
    expect(await deps.metrics.names('acme', { kind: 'host', id: agentHost })).toContain('ec2.cpu.used');
  });

  it('retires the host of a terminated instance (closing its alerts), and a deleted function only when asked', async () => {
    const [id = ''] = await launch(1, { env: 'prod' });
    await runAwsIntegrations(deps, access, retire, noLog);
    const host = (await deps.entities.hosts.list('acme')).find(
      (h) => h.customIdentifier === ec2CustomIdentifier(id),
    );
    expect(host?.isRetired).toBe(false);
    await client(EC2Client).send(new TerminateInstancesCommand({ InstanceIds: [id] }));
    await client(LambdaClient).send(new DeleteFunctionCommand({ FunctionName: 'resize' }));
    const stats = await runAwsIntegrations(deps, access, retire, noLog);
    expect(stats.problems).toBe(0);
    expect((await deps.entities.hosts.get('acme', host?.id ?? ''))?.isRetired).toBe(true);
    // Lambda has no retireAutomatically in this integration: its host stays.
    const fn = (await deps.entities.hosts.list('acme')).find((h) => h.name === 'resize');
    expect(fn?.isRetired).toBe(false);
  });

  it('retires nothing when discovery fails, and shows what failed', async () => {
    const failing: CloudAccess = (c) => {
      const account = access(c);
      return {
        discover: async () => {
          const { CloudCallError } = await import('#shared/ports/cloud.ts');
          throw new CloudCallError('ec2:DescribeInstances', 'AccessDenied: not authorized');
        },
        instanceStates: (ids) => account.instanceStates(ids),
        metricData: (q, f, t, p) => account.metricData(q, f, t, p),
        requests: 0,
      };
    };
    const logged: string[] = [];
    const live = (await deps.entities.hosts.list('acme')).filter((h) => !h.isRetired).length;
    await runAwsIntegrations(deps, failing, retire, (msg) => logged.push(msg));
    expect((await deps.entities.hosts.list('acme')).filter((h) => !h.isRetired).length).toBe(live);
    const [integration] = await deps.entities.awsIntegrations.list('acme');
    expect(integration?.lastRun?.problems[0]).toMatchObject({ operation: 'ec2:DescribeInstances' });
    expect(logged).toHaveLength(1);
  });
});

describe('scale-in without alert storms', () => {
  it('a scale-in of 50 instances whose agents stop posting makes no connectivity notification', async () => {
    const deps = await monitoringWorld(dynamo, NOW);
    await createAwsIntegration(
      deps,
      'acme',
      integrationBody({ EC2: { enable: true, role: null, excludedMetrics: [], retireAutomatically: true } }),
    );
    const instances = await launch(50, { fleet: 'batch' });
    const kept = await launch(1, { fleet: 'batch' });
    const hostIds: string[] = [];
    for (const id of [...instances, ...kept]) {
      const { id: hostId } = await registerHost(deps, 'acme', {
        name: id,
        meta: {},
        customIdentifier: ec2CustomIdentifier(id),
      });
      hostIds.push(hostId);
      await agentPost(deps, hostId);
    }
    await client(EC2Client).send(new TerminateInstancesCommand({ InstanceIds: instances }));
    // Every agent falls silent; the kept instance's agent too (a crash: that one must alert).
    deps.clock.at(NOW + 600);
    const before = opened.length;
    await check(deps, {
      beforeSilenceAlert: (d, org, ids) => retireTerminatedInstances(d, org, ids, access, retire, noLog),
    });
    const sent = deps.notifications.jobs.map((j) => ('host' in j.event ? j.event.host?.id : undefined));
    expect(sent.filter((h) => hostIds.slice(0, 50).includes(h ?? ''))).toEqual([]);
    expect(sent).toContain(hostIds[50]);
    const retired = (await deps.entities.hosts.getMany('acme', hostIds)).filter((h) => h.isRetired);
    expect(retired).toHaveLength(50);
    // One DescribeInstances for the 51 silent instances.
    expect(opened.slice(before).reduce((n, a) => n + a.requests, 0)).toBe(1);
  });

  it('an organization setting retires hosts silent for N days; off by default', async () => {
    const deps = await monitoringWorld(dynamo, NOW);
    const { id } = await registerHost(deps, 'acme', { name: 'old', meta: {} });
    await agentPost(deps, id);
    deps.clock.at(NOW + 3 * 86400);
    await check(deps);
    expect((await deps.entities.hosts.get('acme', id))?.isRetired).toBe(false);
    const { updateOrgSettings } = await import('#shared/use-cases/admin.ts');
    await updateOrgSettings(deps, 'acme', { retireSilentHostsAfterDays: 2 });
    await check(deps);
    expect((await deps.entities.hosts.get('acme', id))?.isRetired).toBe(true);
  });
});
