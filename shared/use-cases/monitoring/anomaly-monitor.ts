import type { HostSummary } from '../../domain/host.ts';
import type { HostModel } from '../../domain/monitoring/anomaly/model.ts';
import { modelId, roleScoresId, type StoredHostModel } from '../../domain/monitoring/anomaly/records.ts';
import { anomalyMessage, scoreRole, statusOfScore } from '../../domain/monitoring/anomaly/score.ts';
import { FRESH_SECONDS } from '../../domain/monitoring/freshness.ts';
import { type AnomalyDetectionMonitor, hostInScope } from '../../domain/monitoring/monitor.ts';
import type { Deps } from '../../ports/deps.ts';
import type { Evaluation } from './alert-engine.ts';

export const DEFAULT_ANOMALY_ATTEMPTS = 3;

/**
 * Models per monitor and training, kept for the life of the process: they change once an hour at
 * most, so a warm checker reads one training record per monitor and minute, not every model.
 */
const modelCache = new Map<string, Promise<Map<string, HostModel>>>();

async function modelsOf(
  deps: Deps,
  orgId: string,
  m: AnomalyDetectionMonitor,
): Promise<Map<string, HostModel> | undefined> {
  const training = await deps.entities.anomaly.trainings.get(orgId, m.id);
  if (!training) return undefined;
  const key = `${orgId}\0${m.id}\0${training.trainedAt}`;
  let cached = modelCache.get(key);
  if (!cached) {
    if (modelCache.size > 1000) modelCache.clear();
    cached = deps.entities.anomaly.models
      .getMany(
        orgId,
        training.hostIds.map((h) => modelId(m.id, h)),
      )
      .then((models: StoredHostModel[]) => new Map(models.map((x) => [x.hostId, x])));
    modelCache.set(key, cached);
    cached.catch(() => modelCache.delete(key));
  }
  return cached;
}

/**
 * One minute of an anomaly detection monitor: for each scoped role, its hosts' newest features
 * (written on ingest) scored against the models and each other. One evaluation per host with new
 * features; the role's state is kept for the next minute and for the console.
 */
export async function evaluateAnomalyMonitor(
  deps: Deps,
  orgId: string,
  m: AnomalyDetectionMonitor,
  now: number,
  hosts: HostSummary[],
): Promise<Evaluation[]> {
  const trained = await modelsOf(deps, orgId, m);
  const models = trained ?? new Map<string, HostModel>();
  const out: Evaluation[] = [];
  for (const scope of m.scopes) {
    const members = hosts.filter(
      (h) =>
        !h.isRetired &&
        (h.status === 'working' || h.status === 'standby') &&
        hostInScope(h.roles, [scope], []),
    );
    if (members.length === 0) continue;
    const [latest, stored] = await Promise.all([
      deps.entities.anomaly.latest.getMany(
        orgId,
        members.map((h) => h.id),
      ),
      deps.entities.anomaly.roleScores.get(orgId, roleScoresId(m.id, scope)),
    ]);
    const fresh = latest.filter((l) => l.at >= now - FRESH_SECONDS);
    if (fresh.length === 0) continue;
    const { scores, state } = scoreRole(
      fresh.map((l) => ({ hostId: l.id, at: l.at, features: l.features })),
      models,
      stored?.hosts ?? {},
      now,
    );
    const byId = new Map(members.map((h) => [h.id, h]));
    for (const s of scores) {
      if (s.repeat) continue;
      const status = statusOfScore(s.score, {
        warning: m.warningSensitivity,
        critical: m.criticalSensitivity,
      });
      out.push({
        monitor: m,
        target: { monitorId: m.id, hostId: s.hostId },
        observation: { status, ...(status !== 'OK' && { message: anomalyMessage(s, !trained) }) },
        alertType: 'anomalyDetection',
        maxCheckAttempts: m.maxCheckAttempts ?? DEFAULT_ANOMALY_ATTEMPTS,
        ...(m.notificationInterval !== undefined && { notificationInterval: m.notificationInterval }),
        ...(byId.has(s.hostId) && { host: byId.get(s.hostId) as HostSummary }),
      });
    }
    await deps.entities.anomaly.roleScores.put(orgId, {
      id: roleScoresId(m.id, scope),
      monitorId: m.id,
      role: scope,
      at: now,
      hosts: state,
    });
  }
  return out;
}
