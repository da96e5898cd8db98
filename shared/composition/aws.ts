import { TimestreamQueryClient } from '@aws-sdk/client-timestream-query';
import { TimestreamWriteClient } from '@aws-sdk/client-timestream-write';
import { createDocumentClient } from '../adapters/dynamodb/client.ts';
import { DynamoMetricStore } from '../adapters/dynamodb/metric-store.ts';
import { targetPolicy } from '../adapters/http/target-policy.ts';
import { sqsForwardQueue } from '../adapters/sqs/forward-queue.ts';
import { sqsJobQueue } from '../adapters/sqs/job-queue.ts';
import { TimestreamMetricStore } from '../adapters/timestream/metric-store.ts';
import type { AwsConfig, MetricsConfig, MonitoringConfig } from '../config.ts';
import { systemClock } from '../domain/clock.ts';
import { type ForwardRules, ForwardSelector } from '../domain/forwarding.ts';
import type { Deps } from '../ports/deps.ts';
import type { MetricStore } from '../ports/metric-store.ts';
import type { NotificationQueue } from '../ports/notifications.ts';
import type { Forwarding } from '../use-cases/forwarding/forward-metrics.ts';
import { composeEntityDeps } from './entities.ts';

/** The metric store chosen at deploy time: DynamoDB (default) or Timestream (pulses in the entity table). */
export function awsMetricStore(config: AwsConfig, metrics: MetricsConfig): MetricStore {
  const doc = createDocumentClient({ endpoint: config.dynamoEndpoint, region: config.region });
  if (metrics.kind === 'dynamodb') {
    return new DynamoMetricStore(doc, metrics.tableName, systemClock, metrics.retentionDays, {
      ...(metrics.archiveTableName && { archiveTableName: metrics.archiveTableName }),
    });
  }
  const region = config.region;
  return new TimestreamMetricStore({
    write: new TimestreamWriteClient({ region }),
    query: new TimestreamQueryClient({ region }),
    target: { database: metrics.database, table: metrics.table },
    pulses: { doc, name: config.tableName },
  });
}

/** Alert events for the notifier, through SQS. */
export function sqsNotificationQueue(queueUrl: string): NotificationQueue {
  const queue = sqsJobQueue(queueUrl);
  return { send: (jobs) => queue.sendAll(jobs) };
}

/**
 * For a function that opens no alerts (the api function: monitoring runs in ingest and the checker),
 * so it has neither the queue's URL nor leave to send to it; a send would be a bug, and says so.
 */
export const noNotifications: NotificationQueue = {
  send: async () => {
    throw new Error('this function sends no notifications (only ingest and the checker open alerts)');
  },
};

/** A Lambda function's ports, built once at cold start. */
export function composeAwsDeps(
  config: AwsConfig,
  metrics: MetricsConfig,
  notifications: NotificationQueue,
  monitoring: Pick<MonitoringConfig, 'allowPrivateTargets'>,
): Deps {
  return {
    ...composeEntityDeps(config),
    metrics: awsMetricStore(config, metrics),
    notifications,
    targets: targetPolicy({ allowPrivate: monitoring.allowPrivateTargets }),
  };
}

/** Mirroring to CloudWatch through the forwarding queue, when deployed with `forwardToCloudWatch`. */
export function sqsForwarding(
  config: { queueUrl: string; rules: ForwardRules } | undefined,
): Forwarding | undefined {
  return config && { selector: new ForwardSelector(config.rules), queue: sqsForwardQueue(config.queueUrl) };
}
