import { epochSeconds } from '../../domain/clock.ts';
import { roleScoresId } from '../../domain/monitoring/anomaly/records.ts';
import type { Driver } from '../../domain/monitoring/anomaly/score.ts';
import { SENSITIVITY_THRESHOLDS } from '../../domain/monitoring/anomaly/sensitivity.ts';
import { FRESH_SECONDS } from '../../domain/monitoring/freshness.ts';
import type { AnomalyDetectionMonitor } from '../../domain/monitoring/monitor.ts';
import { roleFullname } from '../../domain/names.ts';
import type { EntityDeps } from '../../ports/deps.ts';

export interface RoleHostAnomaly {
  hostId: string;
  score: number;
  /** At or above the monitor's lowest sensitivity: the host the model finds odd now. */
  odd: boolean;
  drivers: Driver[];
  peersOnly: boolean;
  flatMinutes: number;
  at: number;
}

export interface RoleAnomalies {
  monitor: { id: string; name: string };
  /** The score from which a host counts as odd (the monitor's most sensitive setting). */
  threshold: number;
  at: number | null;
  hosts: RoleHostAnomaly[];
}

/**
 * What the role page shows of anomaly detection: the monitor watching the role (if any) and each
 * host's latest score, odd hosts first. One read of the monitors and one of the role's state.
 */
export async function roleAnomalies(
  deps: EntityDeps,
  orgId: string,
  service: string,
  role: string,
): Promise<RoleAnomalies | null> {
  const scope = roleFullname({ service, role });
  const monitor = (await deps.entities.monitors.list(orgId)).find(
    (m): m is AnomalyDetectionMonitor => m.type === 'anomalyDetection' && m.scopes.includes(scope),
  );
  if (!monitor) return null;
  const threshold = Math.min(
    ...[monitor.warningSensitivity, monitor.criticalSensitivity].flatMap((s) =>
      s ? [SENSITIVITY_THRESHOLDS[s]] : [],
    ),
  );
  const scores = await deps.entities.anomaly.roleScores.get(orgId, roleScoresId(monitor.id, scope));
  const now = epochSeconds(deps.clock);
  const hosts = Object.entries(scores?.hosts ?? {})
    .filter(([, s]) => s.at >= now - FRESH_SECONDS)
    .map(([hostId, s]) => ({
      hostId,
      score: s.score,
      odd: s.score >= threshold,
      drivers: s.drivers ?? [],
      peersOnly: s.peersOnly ?? false,
      flatMinutes: s.flatRun ?? 0,
      at: s.at,
    }))
    .sort((a, b) => b.score - a.score);
  return { monitor: { id: monitor.id, name: monitor.name }, threshold, at: scores?.at ?? null, hosts };
}
