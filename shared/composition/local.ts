import { join } from 'node:path';
import { DuckDbMetricStore } from '../adapters/duckdb/metric-store.ts';
import { createDocumentClient, type DynamoCredentials } from '../adapters/dynamodb/client.ts';
import { DurableLocalQueue } from '../adapters/dynamodb/local-queue.ts';
import { outboxEmailSender } from '../adapters/email/outbox.ts';
import { smtpEmailSender } from '../adapters/email/smtp.ts';
import { outboundHttp } from '../adapters/http/outbound-http.ts';
import { targetPolicy } from '../adapters/http/target-policy.ts';
import { LOCAL_TABLE_NAME, type MonitoringConfig } from '../config.ts';
import type { Deps } from '../ports/deps.ts';
import type { Senders } from '../use-cases/notifications/deliver.ts';
import { composeEntityDeps } from './entities.ts';

export interface LocalDeps extends Deps {
  metrics: DuckDbMetricStore;
  notifications: DurableLocalQueue;
}

export const outboxDir = (dataDir: string): string => join(dataDir, 'outbox');

/** Local mode: dynalite for entities and the notification queue, DuckDB under the data dir for metrics. */
export async function composeLocalDeps(
  dataDir: string,
  dynamo: { endpoint: string; credentials?: DynamoCredentials },
  monitoring: Pick<MonitoringConfig, 'allowPrivateTargets'>,
  queueOptions?: ConstructorParameters<typeof DurableLocalQueue>[1],
): Promise<LocalDeps> {
  const connection = {
    endpoint: dynamo.endpoint,
    ...(dynamo.credentials && { credentials: dynamo.credentials }),
  };
  const entities = composeEntityDeps({
    tableName: LOCAL_TABLE_NAME,
    dynamoEndpoint: dynamo.endpoint,
    ...(dynamo.credentials && { dynamoCredentials: dynamo.credentials }),
  });
  const doc = createDocumentClient(connection);
  return {
    ...entities,
    metrics: await DuckDbMetricStore.open(join(dataDir, 'metrics.duckdb')),
    notifications: new DurableLocalQueue({ doc, name: LOCAL_TABLE_NAME }, queueOptions),
    targets: targetPolicy({ allowPrivate: monitoring.allowPrivateTargets }),
  };
}

/** Email through SMTP when configured, else `.eml` files in the outbox; webhooks and Slack are real HTTP. */
export function composeLocalSenders(dataDir: string, monitoring: MonitoringConfig): Senders {
  return {
    email: monitoring.smtp
      ? smtpEmailSender({ ...monitoring.smtp, from: monitoring.senderEmail })
      : outboxEmailSender(outboxDir(dataDir), monitoring.senderEmail),
    http: outboundHttp({ allowPrivate: monitoring.allowPrivateTargets }),
    ...(monitoring.consoleUrl && { consoleUrl: monitoring.consoleUrl }),
  };
}
