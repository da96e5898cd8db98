import { CloudWatchClient, GetMetricDataCommand, type MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import {
  GetResourcesCommand,
  ResourceGroupsTaggingAPIClient,
} from '@aws-sdk/client-resource-groups-tagging-api';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity } from '@smithy/types';
import type { AwsServiceId } from '../../domain/integrations/aws-catalog.ts';
import type { MetricPoint } from '../../domain/metrics.ts';
import {
  type CloudAccess,
  type CloudAccount,
  CloudCallError,
  type CloudCredentials,
  type CloudResource,
  type MetricQuery,
} from '../../ports/cloud.ts';
import { call } from './call.ts';
import { DISCOVERERS, type Discovery } from './discovery.ts';

/** Throttled calls are retried by the SDK's standard strategy (exponential backoff with jitter). */
export const MAX_ATTEMPTS = 6;

type SdkClient = {
  send(command: unknown): Promise<unknown>;
  middlewareStack: { add(middleware: unknown, options: object): void };
};

/**
 * One account and region through the AWS SDK: the process's own credentials, or a role assumed with
 * its external ID. Every client counts its requests (each retry too) for the run's report.
 */
class AwsCloudAccount implements CloudAccount {
  readonly #credentials: CloudCredentials;
  readonly #base: object;
  readonly #clients = new Map<string, SdkClient>();
  readonly #memo = new Map<string, Promise<unknown>>();
  #requests = 0;
  /** Requests by operation (`EC2Client:DescribeInstancesCommand`), for the cost model. */
  readonly byOperation = new Map<string, number>();

  constructor(credentials: CloudCredentials, base: object) {
    this.#credentials = credentials;
    this.#base = base;
  }

  get requests(): number {
    return this.#requests;
  }

  #countRequests<C extends SdkClient>(client: C): C {
    client.middlewareStack.add(
      (next: (a: unknown) => Promise<unknown>, context: { clientName?: string; commandName?: string }) =>
        (args: unknown) => {
          this.#requests++;
          const op = `${context.clientName}:${context.commandName}`;
          this.byOperation.set(op, (this.byOperation.get(op) ?? 0) + 1);
          return next(args);
        },
      { step: 'finalizeRequest', priority: 'low', name: 'sabaRequestCounter' },
    );
    return client;
  }

  #assumed?: Promise<AwsCredentialIdentity>;
  #roleCredentials(): Promise<AwsCredentialIdentity> {
    const { roleArn, externalId, region } = this.#credentials;
    this.#assumed ??= (async () => {
      const sts = this.#countRequests(new STSClient({ ...this.#base, region, maxAttempts: MAX_ATTEMPTS }));
      const out = await call('sts:AssumeRole', () =>
        sts.send(
          new AssumeRoleCommand({
            RoleArn: roleArn,
            RoleSessionName: 'saba-aws-integration',
            ...(externalId && { ExternalId: externalId }),
            DurationSeconds: 900,
          }),
        ),
      );
      const c = out.Credentials;
      if (!c?.AccessKeyId || !c.SecretAccessKey) throw new CloudCallError('sts:AssumeRole', 'no credentials');
      return {
        accessKeyId: c.AccessKeyId,
        secretAccessKey: c.SecretAccessKey,
        ...(c.SessionToken && { sessionToken: c.SessionToken }),
        ...(c.Expiration && { expiration: c.Expiration }),
      };
    })();
    return this.#assumed;
  }

  /** A client of this account (built once); the endpoint comes from the environment as the SDK reads it. */
  client<C extends SdkClient>(name: string, make: (config: object) => C): C {
    let c = this.#clients.get(name) as C | undefined;
    if (!c) {
      c = this.#countRequests(
        make({
          ...this.#base,
          region: this.#credentials.region,
          maxAttempts: MAX_ATTEMPTS,
          ...(this.#credentials.roleArn && { credentials: () => this.#roleCredentials() }),
        }),
      );
      this.#clients.set(name, c);
    }
    return c;
  }

  /** One answer per key for the whole run (ALB and NLB share a listing; the account id is read once). */
  once<T>(key: string, load: () => Promise<T>): Promise<T> {
    let p = this.#memo.get(key) as Promise<T> | undefined;
    if (!p) {
      p = load();
      this.#memo.set(key, p);
    }
    return p;
  }

  accountId(): Promise<string> {
    const fromRole = /^arn:[^:]+:iam::(\d{12}):/.exec(this.#credentials.roleArn ?? '')?.[1];
    if (fromRole) return Promise.resolve(fromRole);
    return this.once('account', async () => {
      const sts = this.client('sts', (c) => new STSClient(c));
      const out = await call('sts:GetCallerIdentity', () => sts.send(new GetCallerIdentityCommand({})));
      return out.Account ?? '000000000000';
    });
  }

  get region(): string {
    return this.#credentials.region;
  }

  /** Tags by ARN of one resource type, from the Resource Groups Tagging API (100 resources a call). */
  tagsOf(resourceType: string): Promise<Map<string, Record<string, string>>> {
    return this.once(`tags:${resourceType}`, async () => {
      const tagging = this.client('tagging', (c) => new ResourceGroupsTaggingAPIClient(c));
      const out = new Map<string, Record<string, string>>();
      let token: string | undefined;
      do {
        const page = await call('tag:GetResources', () =>
          tagging.send(
            new GetResourcesCommand({
              ResourceTypeFilters: [resourceType],
              ResourcesPerPage: 100,
              ...(token && { PaginationToken: token }),
            }),
          ),
        );
        for (const r of page.ResourceTagMappingList ?? [])
          if (r.ResourceARN)
            out.set(
              r.ResourceARN,
              Object.fromEntries((r.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? ''])),
            );
        token = page.PaginationToken || undefined;
      } while (token);
      return out;
    });
  }

  async discover(service: AwsServiceId, withTags: boolean): Promise<CloudResource[]> {
    const discoverer = DISCOVERERS[service as keyof typeof DISCOVERERS];
    if (!discoverer) return [];
    return discoverer(this as Discovery, withTags);
  }

  async metricData(
    queries: MetricQuery[],
    from: number,
    to: number,
    period: number,
  ): Promise<Map<string, MetricPoint[]>> {
    if (queries.length > 500) throw new Error('GetMetricData takes at most 500 queries');
    const cw = this.client('cloudwatch', (c) => new CloudWatchClient(c));
    const out = new Map<string, MetricPoint[]>();
    const MetricDataQueries: MetricDataQuery[] = queries.map((q) => ({
      Id: q.id,
      MetricStat: {
        Metric: {
          Namespace: q.namespace,
          MetricName: q.metric,
          Dimensions: q.dimensions.map((d) => ({ Name: d.name, Value: d.value })),
        },
        Period: period,
        Stat: q.stat,
      },
      ReturnData: true,
    }));
    let token: string | undefined;
    do {
      const page = await call('cloudwatch:GetMetricData', () =>
        cw.send(
          new GetMetricDataCommand({
            MetricDataQueries,
            StartTime: new Date(from * 1000),
            EndTime: new Date(to * 1000),
            ScanBy: 'TimestampAscending',
            ...(token && { NextToken: token }),
          }),
        ),
      );
      for (const r of page.MetricDataResults ?? []) {
        if (!r.Id) continue;
        const list = out.get(r.Id) ?? [];
        (r.Timestamps ?? []).forEach((t, i) => {
          const value = r.Values?.[i];
          if (value !== undefined && Number.isFinite(value))
            list.push({ time: Math.floor(t.getTime() / 1000), value });
        });
        out.set(r.Id, list);
      }
      token = page.NextToken || undefined;
    } while (token);
    for (const list of out.values()) list.sort((a, b) => a.time - b.time);
    return out;
  }

  async instanceStates(instanceIds: string[]): Promise<Map<string, string>> {
    const ec2 = this.client('ec2', (c) => new EC2Client(c));
    const out = new Map<string, string>();
    // A filter (unlike InstanceIds) does not fail the whole call for an id EC2 has forgotten.
    for (let i = 0; i < instanceIds.length; i += 200) {
      let token: string | undefined;
      do {
        const page = await call('ec2:DescribeInstances', () =>
          ec2.send(
            new DescribeInstancesCommand({
              Filters: [{ Name: 'instance-id', Values: instanceIds.slice(i, i + 200) }],
              ...(token && { NextToken: token }),
            }),
          ),
        );
        for (const r of page.Reservations ?? [])
          for (const inst of r.Instances ?? [])
            if (inst.InstanceId) out.set(inst.InstanceId, inst.State?.Name ?? 'unknown');
        token = page.NextToken || undefined;
      } while (token);
    }
    return out;
  }
}

/**
 * Accounts through the SDK's own configuration (on Lambda the function's role; locally the
 * environment's credentials and `AWS_ENDPOINT_URL`), or the given endpoint and credentials (tests).
 */
export const createAwsCloudAccess =
  (base: { endpoint?: string; credentials?: AwsCredentialIdentity } = {}): CloudAccess =>
  (credentials) =>
    new AwsCloudAccount(credentials, base);

export const awsCloudAccess: CloudAccess = createAwsCloudAccess();

export type { AwsCloudAccount };
