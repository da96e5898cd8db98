import type { Logger } from '../logging.ts';
import type { Deps } from '../ports/deps.ts';
import { SCHEDULES, scheduledRun } from '../schemas/jobs.ts';
import { type CheckerRunStats, type CheckerSettings, runChecker } from '../use-cases/monitoring/checker.ts';

/**
 * The checker function (every minute: silent agents, missing service metrics, external and
 * expression monitors), one line logged per run. The Lambda entry file and the local monitoring
 * loop both build it here; locally the settings add when the process started watching.
 */
export function createCheckerHandler(
  deps: Deps,
  settings: CheckerSettings,
  logger: Logger,
): (event: unknown) => Promise<CheckerRunStats> {
  const expected = scheduledRun(SCHEDULES.checker);
  return async (event) => {
    expected(event);
    const stats = await runChecker(deps, settings, (msg, err) => logger.error(msg, err));
    logger.info('checker run', { ...stats });
    return stats;
  };
}
