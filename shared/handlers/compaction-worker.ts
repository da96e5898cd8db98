import type { DynamoMetricStore } from '../adapters/dynamodb/metric-store.ts';
import { epochSeconds, systemClock } from '../domain/clock.ts';
import type { Logger } from '../logging.ts';
import { compactionJobSchema } from '../use-cases/metrics/compaction.ts';
import { type SqsConsumer, sqsConsumer } from './sqs-consumer.ts';

/** The compaction worker: each record compacts one shard; a failed or malformed one is retried alone. */
export function createCompactionWorkerHandler(store: DynamoMetricStore, logger: Logger): SqsConsumer {
  return sqsConsumer(compactionJobSchema, logger, async (job) => {
    await store.compactShard(job.org, job.shard, epochSeconds(systemClock));
  });
}
