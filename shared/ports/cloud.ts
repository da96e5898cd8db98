import type { AwsServiceId } from '../domain/integrations/aws-catalog.ts';
import type { MetricPoint } from '../domain/metrics.ts';

/** One resource of the account, as discovery found it: it becomes (or merges into) one host. */
export interface CloudResource {
  service: AwsServiceId;
  /** The host's custom identifier: `<instance-id>.ec2.amazonaws.com` for EC2 (what the agent reports), else the ARN. */
  identifier: string;
  arn: string;
  name: string;
  /** The CloudWatch dimensions that name it. */
  dimensions: { name: string; value: string }[];
  /** Which of the service's graphs apply (see CatalogGraph.variant). */
  variant?: string;
  /** Present only when the integration filters by tags (they cost a call per 100 resources). */
  tags?: Record<string, string>;
  /** Shown as the host's `meta.cloud.metadata`. */
  description: Record<string, unknown>;
}

export interface MetricQuery {
  /** `^[a-z][a-zA-Z0-9_]*$`, unique within one call. */
  id: string;
  namespace: string;
  metric: string;
  dimensions: { name: string; value: string }[];
  stat: string;
}

/** A failed AWS call, named by its operation: what the integration shows and logs. */
export class CloudCallError extends Error {
  readonly operation: string;
  constructor(operation: string, message: string) {
    super(`${operation}: ${message}`);
    this.name = 'CloudCallError';
    this.operation = operation;
  }
}

/** Read-only access to one AWS account and region: describe, list, read metrics; nothing else. */
export interface CloudAccount {
  /** Every resource of the service, with tags when asked. Throws CloudCallError. */
  discover(service: AwsServiceId, withTags: boolean): Promise<CloudResource[]>;
  /** Up to 500 queries per call; points per query id, oldest first. */
  metricData(
    queries: MetricQuery[],
    from: number,
    to: number,
    period: number,
  ): Promise<Map<string, MetricPoint[]>>;
  /** EC2 instance state by id (`running`, `terminated`…); ids EC2 no longer knows are absent. */
  instanceStates(instanceIds: string[]): Promise<Map<string, string>>;
  /** AWS requests made so far (retries included), for the run's report and the cost model. */
  readonly requests: number;
}

export interface CloudCredentials {
  region: string;
  /** Assumed with `externalId` when given; else the process's own credentials. */
  roleArn?: string;
  externalId?: string;
}

export type CloudAccess = (credentials: CloudCredentials) => CloudAccount;
