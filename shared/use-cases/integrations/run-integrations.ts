import type { IntegrationRun } from '../../domain/integrations/aws-integration.ts';
import type { CloudAccess } from '../../ports/cloud.ts';
import type { Deps } from '../../ports/deps.ts';
import { collectAwsIntegration, credentialsOf, type Retire, recordRun } from './collect-aws.ts';

export interface IntegrationsRunStats {
  integrations: number;
  resources: number;
  metrics: number;
  requests: number;
  problems: number;
}

/**
 * The scheduled run (every 5 minutes): every integration of every organization, one after another.
 * Each run is recorded on its integration (`GET` shows it); its problems are logged once per run.
 */
export async function runAwsIntegrations(
  deps: Deps,
  access: CloudAccess,
  retire: Retire,
  log: (msg: string, detail: unknown) => void,
): Promise<IntegrationsRunStats> {
  const stats: IntegrationsRunStats = { integrations: 0, resources: 0, metrics: 0, requests: 0, problems: 0 };
  for (const org of await deps.entities.orgs.list()) {
    for (const integration of await deps.entities.awsIntegrations.list(org.id)) {
      let run: IntegrationRun;
      try {
        run = await collectAwsIntegration(
          deps,
          org.id,
          integration,
          access(credentialsOf(integration)),
          retire,
        );
      } catch (err) {
        log(`AWS integration ${integration.id} of ${org.id} failed`, err);
        continue;
      }
      await recordRun(deps, org.id, integration.id, run);
      if (run.problems.length > 0)
        log(
          `AWS integration ${integration.id} of ${org.id}: ${run.problems.length} AWS call(s) failed`,
          run.problems,
        );
      stats.integrations++;
      stats.resources += run.resources;
      stats.metrics += run.metrics;
      stats.requests += run.requests;
      stats.problems += run.problems.length;
    }
  }
  return stats;
}
