import { sqsJobQueue } from '#shared/adapters/sqs/job-queue.ts';
import { composeEntityDeps } from '#shared/composition/entities.ts';
import { loadAwsConfig, loadCompactionQueueUrl } from '#shared/config.ts';
import { SCHEDULES, scheduledRun } from '#shared/schemas/jobs.ts';
import { dispatchCompaction } from '#shared/use-cases/metrics/compaction.ts';

const deps = composeEntityDeps(loadAwsConfig());
const queue = sqsJobQueue(loadCompactionQueueUrl());

const expected = scheduledRun(SCHEDULES.compaction);

/** EventBridge Scheduler, daily: one compaction job per organization and pulse shard. */
export const handler = async (event: unknown): Promise<{ jobs: number }> => {
  expected(event);
  return { jobs: await dispatchCompaction(deps, queue) };
};
