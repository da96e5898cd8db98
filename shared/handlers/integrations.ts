import type { Logger } from '../logging.ts';
import type { CloudAccess } from '../ports/cloud.ts';
import type { Deps } from '../ports/deps.ts';
import { SCHEDULES, scheduledRun } from '../schemas/jobs.ts';
import { retireTerminatedInstances } from '../use-cases/integrations/quiet-scale-in.ts';
import { type IntegrationsRunStats, runAwsIntegrations } from '../use-cases/integrations/run-integrations.ts';
import type { CheckerSettings } from '../use-cases/monitoring/checker.ts';
import { retireAndCloseAlerts } from '../use-cases/retire-hosts.ts';

const detailOf = (d: unknown): string => (d instanceof Error ? d.message : JSON.stringify(d));

/**
 * The AWS integration function (every 5 minutes): discovery, metrics and retirement for every
 * integration, one line logged per run. The Lambda entry file and the local loop both build it here.
 */
export function createIntegrationsHandler(
  deps: Deps,
  access: CloudAccess,
  logger: Logger,
): (event: unknown) => Promise<IntegrationsRunStats> {
  const expected = scheduledRun(SCHEDULES.integrations);
  return async (event) => {
    expected(event);
    const stats = await runAwsIntegrations(deps, access, retireAndCloseAlerts, (msg, detail) =>
      logger.warn(msg, { detail: detailOf(detail) }),
    );
    logger.info('integrations run', { ...stats });
    return stats;
  };
}

/** The checker's hook that retires hosts of terminated instances instead of alerting on them. */
export const quietScaleIn =
  (access: CloudAccess, logger: Logger): NonNullable<CheckerSettings['beforeSilenceAlert']> =>
  (deps, orgId, hostIds) =>
    retireTerminatedInstances(deps, orgId, hostIds, access, retireAndCloseAlerts, (msg, detail) =>
      logger.warn(msg, { detail: detailOf(detail) }),
    );
