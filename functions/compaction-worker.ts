import { DynamoMetricStore } from '#shared/adapters/dynamodb/metric-store.ts';
import { awsMetricStore } from '#shared/composition/aws.ts';
import { loadAwsConfig, loadLogLevel, loadMetricsConfig } from '#shared/config.ts';
import { createCompactionWorkerHandler } from '#shared/handlers/compaction-worker.ts';
import { createLogger } from '#shared/logging.ts';

const store = awsMetricStore(loadAwsConfig(), loadMetricsConfig());
if (!(store instanceof DynamoMetricStore))
  throw new Error('compaction runs only with the DynamoDB metric store');

/** SQS batch: each record compacts one shard; failures are reported per record and retried by SQS. */
export const handler = createCompactionWorkerHandler(
  store,
  createLogger({ level: loadLogLevel(), format: 'json' }),
);
