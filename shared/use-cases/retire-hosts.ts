import type { Deps } from '../ports/deps.ts';
import { retireHosts } from './hosts/change-host.ts';
import { closeHostAlerts } from './monitoring/close-alerts.ts';

/**
 * Retires hosts and closes their alerts: the one way a host leaves, whoever retires it (a user, the
 * agent, a cloud integration, a silence longer than the organization allows). Composed here: the
 * host use cases know nothing of alerts.
 */
export async function retireAndCloseAlerts(deps: Deps, orgId: string, hostIds: string[]): Promise<void> {
  if (hostIds.length === 0) return;
  await retireHosts(deps, orgId, hostIds);
  await closeHostAlerts(deps, orgId, hostIds);
}
