import { z } from 'zod';
import { PULSE_SHARDS } from '../../adapters/dynamodb/metric-keys.ts';
import type { EntityDeps } from '../../ports/deps.ts';
import type { JobQueue } from '../../ports/job-queue.ts';

export const compactionJobSchema = z.object({
  org: z.string().min(1),
  shard: z
    .number()
    .int()
    .min(0)
    .max(PULSE_SHARDS - 1),
});
export type CompactionJob = z.output<typeof compactionJobSchema>;

/** The scheduled start: one job per organization and pulse shard, so no invocation has too much to do. */
export async function dispatchCompaction(deps: EntityDeps, queue: JobQueue): Promise<number> {
  const jobs: CompactionJob[] = (await deps.entities.orgs.list()).flatMap((org) =>
    Array.from({ length: PULSE_SHARDS }, (_, shard) => ({ org: org.id, shard })),
  );
  await queue.sendAll(jobs);
  return jobs.length;
}
