import type { Context } from 'aws-lambda';
import type { Logger } from '../logging.ts';
import type { CheckerJobQueue } from '../ports/checker-jobs.ts';
import type { Deps } from '../ports/deps.ts';
import { SCHEDULES, scheduledRun } from '../schemas/jobs.ts';
import {
  type CheckerRunStats,
  type CheckerSettings,
  localCheckerJobs,
  runChecker,
} from '../use-cases/monitoring/checker.ts';
import { runMetrics } from './checker-metrics.ts';

/**
 * The scheduled checker (every minute): each organization's jobs sent to `queue` (on AWS the
 * checker queue, locally this process), its silent agents judged here. One line logged per run, and
 * its metrics (EMF on Lambda): evaluations and skips per monitor type, failures, the run's time and
 * the share of its timeout used. The Lambda entry file and the local monitoring loop both build it
 * here; locally the settings add when the process started watching.
 */
export function createCheckerHandler(
  deps: Deps,
  settings: CheckerSettings,
  logger: Logger,
  queue: CheckerJobQueue = localCheckerJobs(deps, settings),
): (event: unknown, context?: Context) => Promise<CheckerRunStats> {
  const expected = scheduledRun(SCHEDULES.checker);
  return async (event, context) => {
    expected(event);
    const started = performance.now();
    const stats = await runChecker(deps, settings, (msg, err) => logger.error(msg, err), queue);
    const { byType, ...totals } = stats;
    logger.info('checker run', { ...totals });
    for (const entry of runMetrics(stats, performance.now() - started, context)) logger.metrics(entry);
    return stats;
  };
}
