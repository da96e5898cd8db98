import { stateKey } from '../../domain/monitoring/alert-state.ts';
import { type AlertStatus, hostInScope } from '../../domain/monitoring/monitor.ts';
import type { Deps } from '../../ports/deps.ts';
import { getHost } from '../hosts/get-host.ts';

export interface MonitoredStatus {
  monitorId: string;
  status: AlertStatus;
  detail?: { type: 'check'; message: string; memo?: string };
}

/**
 * `GET /hosts/<id>/monitored-statuses`: each connectivity, host metric and anomaly detection monitor
 * covering the host, and each check the host declares or has reported, with its current status.
 */
export async function monitoredStatuses(
  deps: Deps,
  orgId: string,
  hostId: string,
): Promise<MonitoredStatus[]> {
  const host = await getHost(deps, orgId, hostId);
  const monitors = await deps.entities.monitors.list(orgId);
  const states = (await deps.entities.alertStates.list(orgId)).filter((s) => s.hostId === hostId);
  const stateOf = new Map(states.map((s) => [`${s.monitorId}#${s.target}`, s]));
  const memoOf = new Map(host.checks.map((c) => [c.name, c.memo]));
  const out: MonitoredStatus[] = [];
  for (const m of monitors) {
    const state = stateOf.get(stateKey({ monitorId: m.id, hostId }));
    const status: AlertStatus = state?.alertId ? state.status : 'OK';
    if (
      (m.type === 'connectivity' || m.type === 'host') &&
      hostInScope(host.roles, m.scopes, m.excludeScopes)
    )
      out.push({ monitorId: m.id, status });
    // Anomaly detection covers the hosts of the roles it names (its scopes are roles only).
    if (m.type === 'anomalyDetection' && hostInScope(host.roles, m.scopes, []))
      out.push({ monitorId: m.id, status });
    if (m.type === 'check' && (memoOf.has(m.name) || state)) {
      const memo = memoOf.get(m.name);
      out.push({
        monitorId: m.id,
        status: state ? state.status : 'OK',
        detail: { type: 'check', message: state?.message ?? '', ...(memo && { memo }) },
      });
    }
  }
  return out;
}
