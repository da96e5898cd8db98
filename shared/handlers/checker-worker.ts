import type { Logger } from '../logging.ts';
import type { Deps } from '../ports/deps.ts';
import type { OutboundHttp } from '../ports/notifications.ts';
import { checkerJobSchema } from '../schemas/jobs.ts';
import { logSkips } from '../use-cases/monitoring/checker.ts';
import { runCheckerJob } from '../use-cases/monitoring/checker-job.ts';
import { jobMetrics } from './checker-metrics.ts';
import { type SqsConsumer, sqsConsumer } from './sqs-consumer.ts';

/**
 * The checker's worker on AWS: each record is one job (an organization's monitors of one type). Its
 * monitors are evaluated in isolation, so a job fails only when its organization's monitors or alert
 * states cannot be read; SQS then hands it out again, and past its deadline it is skipped and
 * reported. One line and the job's metrics (EMF) per job.
 */
export function createCheckerWorkerHandler(deps: Deps, http: OutboundHttp, logger: Logger): SqsConsumer {
  return sqsConsumer(checkerJobSchema, logger, async (job, _record, context) => {
    const started = performance.now();
    const result = await runCheckerJob(deps, job, http);
    const ms = performance.now() - started;
    logSkips((msg, err) => logger.error(msg, err), job.orgId, result.skipped);
    logger.info('checker job', {
      org: job.orgId,
      type: job.type,
      monitors: result.monitors,
      evaluations: result.evaluations,
      skipped: result.skipped.length,
      ms: Math.round(ms),
    });
    logger.metrics(jobMetrics(result, ms, context));
  });
}
