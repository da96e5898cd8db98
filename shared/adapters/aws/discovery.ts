import { APIGatewayClient, GetRestApisCommand } from '@aws-sdk/client-api-gateway';
import { ApiGatewayV2Client, GetApisCommand } from '@aws-sdk/client-apigatewayv2';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import {
  DescribeLoadBalancersCommand as DescribeClassicCommand,
  ElasticLoadBalancingClient,
} from '@aws-sdk/client-elastic-load-balancing';
import {
  DescribeLoadBalancersCommand,
  ElasticLoadBalancingV2Client,
  type LoadBalancer,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { DescribeCacheClustersCommand, ElastiCacheClient } from '@aws-sdk/client-elasticache';
import { LambdaClient, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import { ListQueuesCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { AwsServiceId } from '../../domain/integrations/aws-catalog.ts';
import { ec2CustomIdentifier } from '../../domain/integrations/aws-integration.ts';
import type { CloudResource } from '../../ports/cloud.ts';
import { call } from './call.ts';

/** What a discoverer needs of the account (see AwsCloudAccount). */
export interface Discovery {
  client<C>(name: string, make: (config: object) => C): C;
  once<T>(key: string, load: () => Promise<T>): Promise<T>;
  accountId(): Promise<string>;
  readonly region: string;
  tagsOf(resourceType: string): Promise<Map<string, Record<string, string>>>;
}

type Discoverer = (d: Discovery, withTags: boolean) => Promise<CloudResource[]>;

const tagRecord = (tags: { Key?: string | undefined; Value?: string | undefined }[] | undefined) =>
  Object.fromEntries((tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));

/** Adds tags from the tagging API when the integration filters by them. */
async function withTagsOf(
  d: Discovery,
  withTags: boolean,
  resourceType: string,
  resources: CloudResource[],
): Promise<CloudResource[]> {
  if (!withTags) return resources;
  const tags = await d.tagsOf(resourceType);
  return resources.map((r) => ({ ...r, tags: tags.get(r.arn) ?? {} }));
}

/** Instances that are shutting down or terminated are gone: their hosts retire, they get none. */
const GONE_STATES = new Set(['shutting-down', 'terminated']);

const ec2: Discoverer = async (d) => {
  const client = d.client('ec2', (c) => new EC2Client(c));
  const out: CloudResource[] = [];
  let token: string | undefined;
  do {
    const page = await call('ec2:DescribeInstances', () =>
      client.send(new DescribeInstancesCommand({ MaxResults: 1000, ...(token && { NextToken: token }) })),
    );
    for (const r of page.Reservations ?? [])
      for (const i of r.Instances ?? []) {
        if (!i.InstanceId || GONE_STATES.has(i.State?.Name ?? '')) continue;
        const tags = tagRecord(i.Tags);
        out.push({
          service: 'EC2',
          identifier: ec2CustomIdentifier(i.InstanceId),
          arn: `arn:aws:ec2:${d.region}:${r.OwnerId ?? ''}:instance/${i.InstanceId}`,
          name: tags.Name || i.InstanceId,
          dimensions: [{ name: 'InstanceId', value: i.InstanceId }],
          tags,
          description: {
            instanceId: i.InstanceId,
            instanceType: i.InstanceType,
            availabilityZone: i.Placement?.AvailabilityZone,
            privateIpAddress: i.PrivateIpAddress,
            state: i.State?.Name,
            imageId: i.ImageId,
          },
        });
      }
    token = page.NextToken || undefined;
  } while (token);
  return out;
};

/** ALB and NLB come from one listing, read once per run. */
const loadBalancersV2 = (d: Discovery) =>
  d.once('elbv2', async () => {
    const client = d.client('elbv2', (c) => new ElasticLoadBalancingV2Client(c));
    const out: LoadBalancer[] = [];
    let marker: string | undefined;
    do {
      const page = await call('elasticloadbalancing:DescribeLoadBalancers', () =>
        client.send(new DescribeLoadBalancersCommand({ PageSize: 400, ...(marker && { Marker: marker }) })),
      );
      out.push(...(page.LoadBalancers ?? []));
      marker = page.NextMarker || undefined;
    } while (marker);
    return out;
  });

const elbv2 =
  (service: 'ALB' | 'NLB', type: string): Discoverer =>
  async (d, withTags) => {
    const found = (await loadBalancersV2(d)).filter((lb) => lb.Type === type && lb.LoadBalancerArn);
    const resources = found.map((lb): CloudResource => {
      const arn = lb.LoadBalancerArn ?? '';
      return {
        service,
        identifier: arn,
        arn,
        name: lb.LoadBalancerName ?? arn,
        dimensions: [{ name: 'LoadBalancer', value: arn.slice(arn.indexOf(':loadbalancer/') + 14) }],
        description: {
          loadBalancerName: lb.LoadBalancerName,
          dnsName: lb.DNSName,
          scheme: lb.Scheme,
          vpcId: lb.VpcId,
          state: lb.State?.Code,
        },
      };
    });
    return withTagsOf(d, withTags, 'elasticloadbalancing:loadbalancer', resources);
  };

const elb: Discoverer = async (d, withTags) => {
  const client = d.client('elb', (c) => new ElasticLoadBalancingClient(c));
  const account = await d.accountId();
  const out: CloudResource[] = [];
  let marker: string | undefined;
  do {
    const page = await call('elasticloadbalancing:DescribeLoadBalancers', () =>
      client.send(new DescribeClassicCommand({ PageSize: 400, ...(marker && { Marker: marker }) })),
    );
    for (const lb of page.LoadBalancerDescriptions ?? []) {
      if (!lb.LoadBalancerName) continue;
      const arn = `arn:aws:elasticloadbalancing:${d.region}:${account}:loadbalancer/${lb.LoadBalancerName}`;
      out.push({
        service: 'ELB',
        identifier: arn,
        arn,
        name: lb.LoadBalancerName,
        dimensions: [{ name: 'LoadBalancerName', value: lb.LoadBalancerName }],
        description: { loadBalancerName: lb.LoadBalancerName, dnsName: lb.DNSName, scheme: lb.Scheme },
      });
    }
    marker = page.NextMarker || undefined;
  } while (marker);
  return withTagsOf(d, withTags, 'elasticloadbalancing:loadbalancer', out);
};

const rds: Discoverer = async (d) => {
  const client = d.client('rds', (c) => new RDSClient(c));
  const out: CloudResource[] = [];
  let marker: string | undefined;
  do {
    const page = await call('rds:DescribeDBInstances', () =>
      client.send(new DescribeDBInstancesCommand({ MaxRecords: 100, ...(marker && { Marker: marker }) })),
    );
    for (const db of page.DBInstances ?? []) {
      if (!db.DBInstanceIdentifier || !db.DBInstanceArn || db.DBInstanceStatus === 'deleting') continue;
      out.push({
        service: 'RDS',
        identifier: db.DBInstanceArn,
        arn: db.DBInstanceArn,
        name: db.DBInstanceIdentifier,
        dimensions: [{ name: 'DBInstanceIdentifier', value: db.DBInstanceIdentifier }],
        tags: tagRecord(db.TagList),
        description: {
          dbInstanceIdentifier: db.DBInstanceIdentifier,
          dbInstanceClass: db.DBInstanceClass,
          engine: db.Engine,
          engineVersion: db.EngineVersion,
          availabilityZone: db.AvailabilityZone,
          status: db.DBInstanceStatus,
        },
      });
    }
    marker = page.Marker || undefined;
  } while (marker);
  return out;
};

/** One host per cache node, as Mackerel counts them. */
const elasticache: Discoverer = async (d, withTags) => {
  const client = d.client('elasticache', (c) => new ElastiCacheClient(c));
  const out: CloudResource[] = [];
  let marker: string | undefined;
  do {
    const page = await call('elasticache:DescribeCacheClusters', () =>
      client.send(
        new DescribeCacheClustersCommand({
          ShowCacheNodeInfo: true,
          MaxRecords: 100,
          ...(marker && { Marker: marker }),
        }),
      ),
    );
    for (const c of page.CacheClusters ?? []) {
      if (!c.CacheClusterId || !c.ARN || c.CacheClusterStatus === 'deleting') continue;
      const nodes = c.CacheNodes?.length ? c.CacheNodes.map((n) => n.CacheNodeId ?? '0001') : ['0001'];
      for (const node of nodes)
        out.push({
          service: 'ElastiCache',
          identifier: `${c.ARN}/${node}`,
          arn: c.ARN,
          name: `${c.CacheClusterId}-${node}`,
          dimensions: [
            { name: 'CacheClusterId', value: c.CacheClusterId },
            { name: 'CacheNodeId', value: node },
          ],
          ...(c.Engine !== 'memcached' && { variant: 'redis' }),
          description: {
            cacheClusterId: c.CacheClusterId,
            cacheNodeId: node,
            cacheNodeType: c.CacheNodeType,
            engine: c.Engine,
            engineVersion: c.EngineVersion,
          },
        });
    }
    marker = page.Marker || undefined;
  } while (marker);
  return withTagsOf(d, withTags, 'elasticache:cluster', out);
};

const lambda: Discoverer = async (d, withTags) => {
  const client = d.client('lambda', (c) => new LambdaClient(c));
  const out: CloudResource[] = [];
  let marker: string | undefined;
  do {
    const page = await call('lambda:ListFunctions', () =>
      client.send(new ListFunctionsCommand({ MaxItems: 50, ...(marker && { Marker: marker }) })),
    );
    for (const f of page.Functions ?? []) {
      if (!f.FunctionName || !f.FunctionArn) continue;
      out.push({
        service: 'Lambda',
        identifier: f.FunctionArn,
        arn: f.FunctionArn,
        name: f.FunctionName,
        dimensions: [{ name: 'FunctionName', value: f.FunctionName }],
        description: { functionName: f.FunctionName, runtime: f.Runtime, memorySize: f.MemorySize },
      });
    }
    marker = page.NextMarker || undefined;
  } while (marker);
  return withTagsOf(d, withTags, 'lambda:function', out);
};

const sqs: Discoverer = async (d, withTags) => {
  const client = d.client('sqs', (c) => new SQSClient(c));
  const account = await d.accountId();
  const out: CloudResource[] = [];
  let token: string | undefined;
  do {
    const page = await call('sqs:ListQueues', () =>
      client.send(new ListQueuesCommand({ MaxResults: 1000, ...(token && { NextToken: token }) })),
    );
    for (const url of page.QueueUrls ?? []) {
      const name = url.slice(url.lastIndexOf('/') + 1);
      const arn = `arn:aws:sqs:${d.region}:${account}:${name}`;
      out.push({
        service: 'SQS',
        identifier: arn,
        arn,
        name,
        dimensions: [{ name: 'QueueName', value: name }],
        description: { queueName: name, queueUrl: url },
      });
    }
    token = page.NextToken || undefined;
  } while (token);
  return withTagsOf(d, withTags, 'sqs', out);
};

const dynamodb: Discoverer = async (d, withTags) => {
  const client = d.client('dynamodb', (c) => new DynamoDBClient(c));
  const account = await d.accountId();
  const out: CloudResource[] = [];
  let start: string | undefined;
  do {
    const page = await call('dynamodb:ListTables', () =>
      client.send(new ListTablesCommand({ Limit: 100, ...(start && { ExclusiveStartTableName: start }) })),
    );
    for (const name of page.TableNames ?? []) {
      const arn = `arn:aws:dynamodb:${d.region}:${account}:table/${name}`;
      out.push({
        service: 'DynamoDB',
        identifier: arn,
        arn,
        name,
        dimensions: [{ name: 'TableName', value: name }],
        description: { tableName: name },
      });
    }
    start = page.LastEvaluatedTableName || undefined;
  } while (start);
  return withTagsOf(d, withTags, 'dynamodb:table', out);
};

/**
 * REST APIs (named by ApiName in CloudWatch) and HTTP APIs (by ApiId), with the tags their listings
 * carry; WebSocket APIs are left out.
 */
const apigateway: Discoverer = async (d) => {
  const rest = d.client('apigateway', (c) => new APIGatewayClient(c));
  const v2 = d.client('apigatewayv2', (c) => new ApiGatewayV2Client(c));
  const out: CloudResource[] = [];
  let position: string | undefined;
  do {
    const page = await call('apigateway:GET', () =>
      rest.send(new GetRestApisCommand({ limit: 500, ...(position && { position }) })),
    );
    for (const api of page.items ?? []) {
      if (!api.id || !api.name) continue;
      const arn = `arn:aws:apigateway:${d.region}::/restapis/${api.id}`;
      out.push({
        service: 'APIGateway',
        identifier: arn,
        arn,
        name: api.name,
        dimensions: [{ name: 'ApiName', value: api.name }],
        variant: 'rest',
        tags: api.tags ?? {},
        description: { apiId: api.id, name: api.name, protocol: 'REST' },
      });
    }
    position = page.position || undefined;
  } while (position);
  let token: string | undefined;
  do {
    const page = await call('apigateway:GET', () =>
      v2.send(new GetApisCommand({ MaxResults: '500', ...(token && { NextToken: token }) })),
    );
    for (const api of page.Items ?? []) {
      if (!api.ApiId || api.ProtocolType !== 'HTTP') continue;
      const arn = `arn:aws:apigateway:${d.region}::/apis/${api.ApiId}`;
      out.push({
        service: 'APIGateway',
        identifier: arn,
        arn,
        name: api.Name ?? api.ApiId,
        dimensions: [{ name: 'ApiId', value: api.ApiId }],
        variant: 'http',
        tags: api.Tags ?? {},
        description: { apiId: api.ApiId, name: api.Name, protocol: 'HTTP' },
      });
    }
    token = page.NextToken || undefined;
  } while (token);
  return out;
};

export const DISCOVERERS: Partial<Record<AwsServiceId, Discoverer>> = {
  EC2: ec2,
  ALB: elbv2('ALB', 'application'),
  NLB: elbv2('NLB', 'network'),
  ELB: elb,
  RDS: rds,
  ElastiCache: elasticache,
  Lambda: lambda,
  SQS: sqs,
  DynamoDB: dynamodb,
  APIGateway: apigateway,
};
