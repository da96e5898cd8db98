import { mapLimited } from '../../concurrency.ts';
import { epochSeconds } from '../../domain/clock.ts';
import type { HostSummary } from '../../domain/host.ts';
import { featureColumns, featureInputs } from '../../domain/monitoring/anomaly/features.ts';
import { type TrainingSeries, trainRole } from '../../domain/monitoring/anomaly/model.ts';
import { type AnomalyTraining, modelId } from '../../domain/monitoring/anomaly/records.ts';
import { type AnomalyDetectionMonitor, hostInScope } from '../../domain/monitoring/monitor.ts';
import type { Deps } from '../../ports/deps.ts';

/** Learnt from by default: two weeks, as long as a weekly pattern needs to show twice. */
const DEFAULT_HISTORY_SECONDS = 14 * 86400;
/** Never more than four weeks, whatever trainingPeriodFrom says: older behaviour misleads. */
const MAX_HISTORY_SECONDS = 28 * 86400;
/** Models are remade daily, and hourly while a host of the role is still too young for one. */
const RETRAIN_SECONDS = 86400;
const YOUNG_RETRAIN_SECONDS = 3600;

export interface TrainingRunStats {
  monitors: number;
  trained: number;
  /** Due, but left for the next run: the run's time was spent. */
  deferred: number;
  hosts: number;
  pointsRead: number;
}

/** Whether a run may start training one more monitor (a Lambda function has 15 minutes). */
export interface TrainingBudget {
  exhausted(): boolean;
}
const unlimited: TrainingBudget = { exhausted: () => false };

/** A budget of wall-clock time from now: about 45 s of fitting per 1,000 hosts (bench:anomaly). */
export const wallClockBudget = (ms: number): TrainingBudget => {
  const until = performance.now() + ms;
  return { exhausted: () => performance.now() > until };
};

const live = (h: HostSummary) => !h.isRetired && h.status !== 'poweroff';

/** Whether the monitor's models are due: never made, a day old, a new period, or hosts they lack. */
function due(
  m: AnomalyDetectionMonitor,
  last: AnomalyTraining | undefined,
  members: string[],
  now: number,
): boolean {
  if (!last || now - last.trainedAt >= RETRAIN_SECONDS) return true;
  if (last.trainingPeriodFrom !== m.trainingPeriodFrom) return true;
  const known = new Set([...last.hostIds, ...last.youngHostIds]);
  if (members.some((h) => !known.has(h))) return true;
  return last.youngHostIds.length > 0 && now - last.trainedAt >= YOUNG_RETRAIN_SECONDS;
}

/** One host's history as feature series, one value a minute from `from` (NaN where none). */
async function historyOf(
  deps: Deps,
  orgId: string,
  hostId: string,
  from: number,
  minutes: number,
): Promise<{ series: TrainingSeries; points: number }> {
  const owner = { kind: 'host' as const, id: hostId };
  const inputs = featureInputs(await deps.metrics.names(orgId, owner));
  const columns: Record<string, Float64Array> = {};
  let points = 0;
  for (const name of inputs) {
    const column = new Float64Array(minutes).fill(Number.NaN);
    for (const p of await deps.metrics.range(orgId, owner, name, from, from + minutes * 60 - 1, 60)) {
      const i = Math.floor((p.time - from) / 60);
      if (i >= 0 && i < minutes) column[i] = p.value;
      points++;
    }
    columns[name] = column;
  }
  return { series: { hostId, values: featureColumns(columns, minutes) }, points };
}

/**
 * The scheduled training of role anomaly detection for one organization: each monitor whose models
 * are due is trained role by role on its hosts' history and its models replace the old ones. Models
 * and records of deleted monitors are removed.
 */
export async function trainAnomalyModels(
  deps: Deps,
  orgId: string,
  budget: TrainingBudget = unlimited,
): Promise<TrainingRunStats> {
  const now = epochSeconds(deps.clock);
  const monitors = (await deps.entities.monitors.list(orgId)).filter(
    (m): m is AnomalyDetectionMonitor => m.type === 'anomalyDetection',
  );
  const stats: TrainingRunStats = {
    monitors: monitors.length,
    trained: 0,
    deferred: 0,
    hosts: 0,
    pointsRead: 0,
  };
  const trainings = await deps.entities.anomaly.trainings.list(orgId);
  const current = new Set(monitors.map((m) => m.id));
  for (const gone of trainings.filter((t) => !current.has(t.id))) await forgetModels(deps, orgId, gone);
  if (monitors.length === 0) return stats;

  const hosts = (await deps.entities.hosts.listSummaries(orgId)).filter(live);
  for (const m of monitors) {
    const roles = m.scopes.map((scope) =>
      hosts.filter((h) => hostInScope(h.roles, [scope], [])).map((h) => h.id),
    );
    const members = [...new Set(roles.flat())];
    const last = trainings.find((t) => t.id === m.id);
    if (!due(m, last, members, now)) continue;
    // Out of time: this monitor stays due, and the next hourly run starts with it.
    if (budget.exhausted()) {
      stats.deferred++;
      continue;
    }
    const to = Math.floor(now / 60) * 60;
    const from = Math.max(m.trainingPeriodFrom ?? to - DEFAULT_HISTORY_SECONDS, to - MAX_HISTORY_SECONDS);
    const minutes = Math.max(0, Math.floor((to - from) / 60));
    const trained: string[] = [];
    for (const roleHosts of roles) {
      const histories = await mapLimited(roleHosts, 4, (h) => historyOf(deps, orgId, h, from, minutes));
      stats.pointsRead += histories.reduce((n, x) => n + x.points, 0);
      const models = trainRole({ from, minutes, hosts: histories.map((x) => x.series), trainedAt: now });
      for (const model of models) {
        await deps.entities.anomaly.models.put(orgId, {
          ...model,
          id: modelId(m.id, model.hostId),
          monitorId: m.id,
        });
        trained.push(model.hostId);
      }
    }
    const withModel = new Set(trained);
    // The training record goes last: a warm checker rereads the models once it has changed.
    await deps.entities.anomaly.trainings.put(orgId, {
      id: m.id,
      trainedAt: now,
      from,
      to,
      ...(m.trainingPeriodFrom !== undefined && { trainingPeriodFrom: m.trainingPeriodFrom }),
      hostIds: [...withModel],
      youngHostIds: members.filter((h) => !withModel.has(h)),
    });
    for (const stale of (last?.hostIds ?? []).filter((h) => !withModel.has(h)))
      await deps.entities.anomaly.models.delete(orgId, modelId(m.id, stale));
    stats.trained++;
    stats.hosts += withModel.size;
  }
  return stats;
}

async function forgetModels(deps: Deps, orgId: string, training: AnomalyTraining): Promise<void> {
  for (const hostId of training.hostIds)
    await deps.entities.anomaly.models.delete(orgId, modelId(training.id, hostId));
  for (const scores of await deps.entities.anomaly.roleScores.list(orgId))
    if (scores.monitorId === training.id) await deps.entities.anomaly.roleScores.delete(orgId, scores.id);
  await deps.entities.anomaly.trainings.delete(orgId, training.id);
}

/** Every organization, one after another; one failing does not stop the rest. */
export async function runAnomalyTraining(
  deps: Deps,
  log: (msg: string, err: unknown) => void,
  budget: TrainingBudget = unlimited,
): Promise<TrainingRunStats> {
  const total: TrainingRunStats = { monitors: 0, trained: 0, deferred: 0, hosts: 0, pointsRead: 0 };
  for (const org of await deps.entities.orgs.list()) {
    try {
      const s = await trainAnomalyModels(deps, org.id, budget);
      total.monitors += s.monitors;
      total.trained += s.trained;
      total.deferred += s.deferred;
      total.hosts += s.hosts;
      total.pointsRead += s.pointsRead;
    } catch (err) {
      log(`anomaly training failed for organization ${org.id}`, err);
    }
  }
  return total;
}
