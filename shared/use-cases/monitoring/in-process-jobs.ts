import type { CheckerJob, CheckerJobResult } from '../../domain/monitoring/checker-jobs.ts';
import type { CheckerJobQueue } from '../../ports/checker-jobs.ts';

/**
 * Local mode's checker queue: jobs run in this process, `concurrency` at a time, as soon as they are
 * sent (so the scheduled run goes on with silent agents meanwhile). A job that throws is reported
 * with every monitor skipped, as a job the AWS worker could not finish would be.
 */
export function inProcessCheckerJobs(
  run: (job: CheckerJob) => Promise<CheckerJobResult>,
  concurrency = 4,
): CheckerJobQueue {
  const waiting: (() => void)[] = [];
  let active = 0;
  let started: Promise<CheckerJobResult>[] = [];
  // A finishing job hands its slot straight to the next waiting one.
  const slot = async () => {
    if (active < concurrency) active++;
    else await new Promise<void>((resolve) => waiting.push(resolve));
  };
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else active--;
  };
  const runOne = async (job: CheckerJob): Promise<CheckerJobResult> => {
    await slot();
    try {
      return await run(job);
    } catch (err) {
      const reason = `the job failed: ${(err as Error).message}`;
      return {
        orgId: job.orgId,
        type: job.type,
        monitors: job.monitorIds.length,
        evaluations: 0,
        skipped: job.monitorIds.map((monitorId) => ({ monitorId, type: job.type, reason })),
      };
    } finally {
      release();
    }
  };
  return {
    async sendAll(jobs) {
      started.push(...jobs.map(runOne));
    },
    async settled() {
      const running = started;
      started = [];
      return Promise.all(running);
    },
  };
}
