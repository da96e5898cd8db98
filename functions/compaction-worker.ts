import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { DynamoMetricStore } from '#shared/adapters/dynamodb/metric-store.ts';
import { awsMetricStore } from '#shared/composition/aws.ts';
import { loadAwsConfig, loadMetricsConfig } from '#shared/config.ts';
import { epochSeconds, systemClock } from '#shared/domain/clock.ts';
import { compactionJobSchema } from '#shared/use-cases/metrics/compaction.ts';

const store = awsMetricStore(loadAwsConfig(), loadMetricsConfig());
if (!(store instanceof DynamoMetricStore))
  throw new Error('compaction runs only with the DynamoDB metric store');

/** SQS batch: each record compacts one shard; failures are reported per record and retried by SQS. */
export const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => {
  const failures: SQSBatchResponse['batchItemFailures'] = [];
  for (const record of event.Records) {
    try {
      const job = compactionJobSchema.parse(JSON.parse(record.body));
      await store.compactShard(job.org, job.shard, epochSeconds(systemClock));
    } catch (err) {
      console.error(
        JSON.stringify({ msg: 'compaction failed', messageId: record.messageId, error: String(err) }),
      );
      failures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures: failures };
};
