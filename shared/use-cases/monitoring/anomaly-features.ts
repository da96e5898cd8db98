import { epochSeconds } from '../../domain/clock.ts';
import type { NamedPoint } from '../../domain/metrics.ts';
import { featuresOf } from '../../domain/monitoring/anomaly/features.ts';
import { newestFresh } from '../../domain/monitoring/freshness.ts';
import { hostInScope } from '../../domain/monitoring/monitor.ts';
import type { Deps } from '../../ports/deps.ts';
import type { MonitorDirectory } from './monitor-directory.ts';

/**
 * On ingest: a host in a role that an anomaly detection monitor watches keeps its newest minute's
 * features (one small write), which the checker scores against the models. No metric is read.
 */
export async function recordAnomalyFeatures(
  deps: Deps,
  directory: MonitorDirectory,
  orgId: string,
  hostId: string,
  points: NamedPoint[],
): Promise<void> {
  const fresh = newestFresh(points, epochSeconds(deps.clock));
  if (!fresh) return;
  const monitors = (await directory.list(deps, orgId)).filter((m) => m.type === 'anomalyDetection');
  if (monitors.length === 0) return;
  const host = await directory.host(deps, orgId, hostId);
  if (!host || !monitors.some((m) => hostInScope(host.roles, m.scopes, []))) return;
  const features = featuresOf(fresh.values);
  if (Object.keys(features).length === 0) return;
  await deps.entities.anomaly.latest.put(orgId, { id: hostId, at: fresh.time, features });
}
