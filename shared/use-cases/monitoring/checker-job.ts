import { mapLimited } from '../../concurrency.ts';
import { epochSeconds } from '../../domain/clock.ts';
import type { HostSummary } from '../../domain/host.ts';
import { stateKey } from '../../domain/monitoring/alert-state.ts';
import {
  type CheckerJob,
  type CheckerJobResult,
  JOB_DEADLINE_SECONDS,
  type SkippedMonitor,
} from '../../domain/monitoring/checker-jobs.ts';
import type {
  AnomalyDetectionMonitor,
  ExpressionMonitor,
  ExternalMonitor,
  Monitor,
  QueryMonitor,
  ServiceMetricMonitor,
} from '../../domain/monitoring/monitor.ts';
import type { Deps } from '../../ports/deps.ts';
import type { OutboundHttp } from '../../ports/notifications.ts';
import { applyEvaluations, type Evaluation, isStale, settleState } from './alert-engine.ts';
import { evaluateAnomalyMonitor } from './anomaly-monitor.ts';
import { evaluateExpressionMonitor } from './expression-monitor.ts';
import { probeExternal } from './external-probe.ts';
import { evaluateQueryMonitor } from './query-monitor.ts';

/**
 * One monitor's evaluation, tried twice: a failed read fails that monitor alone, never the job or the
 * organization's run. A second failure skips it for this run and is reported.
 */
async function isolated<T>(
  m: Monitor,
  skipped: SkippedMonitor[],
  work: () => Promise<T>,
): Promise<T | undefined> {
  try {
    return await work();
  } catch {
    try {
      return await work();
    } catch (err) {
      skipped.push({ monitorId: m.id, type: m.type, reason: (err as Error).message });
      return undefined;
    }
  }
}

/** Service metrics that stopped arriving: the newest point against the missing-data thresholds. */
async function missingData(
  deps: Deps,
  orgId: string,
  m: ServiceMetricMonitor,
  now: number,
): Promise<Evaluation | undefined> {
  const longest = Math.max(m.missingDurationWarning ?? 0, m.missingDurationCritical ?? 0);
  if (longest === 0) return undefined;
  const points = await deps.metrics.range(
    orgId,
    { kind: 'service', id: m.service },
    m.metric,
    now - longest * 60,
    now,
    60,
  );
  const newest = points.length > 0 ? Math.max(...points.map((p) => p.time)) : undefined;
  const silentMinutes = newest === undefined ? longest : (now - newest) / 60;
  const status =
    m.missingDurationCritical !== undefined && silentMinutes >= m.missingDurationCritical
      ? 'CRITICAL'
      : m.missingDurationWarning !== undefined && silentMinutes >= m.missingDurationWarning
        ? 'WARNING'
        : 'OK';
  return {
    monitor: m,
    target: { monitorId: m.id, service: m.service, aspect: 'missing' },
    observation: {
      status,
      ...(status !== 'OK' && { message: `No data of ${m.metric} for ${Math.floor(silentMinutes)} minutes` }),
    },
    alertType: 'service',
    maxCheckAttempts: 1,
    ...(m.notificationInterval !== undefined && { notificationInterval: m.notificationInterval }),
  };
}

/** Reads the organization's host summaries once, and only if a monitor of the job asks for them. */
function lazily<T>(load: () => Promise<T>): () => Promise<T> {
  let loaded: Promise<T> | undefined;
  return () => {
    loaded ??= load();
    return loaded;
  };
}

/**
 * One checker job: its monitors (those still of its type), each evaluated in isolation as of the
 * run's time, then their alert transitions applied. Reads: its monitors (one batch get), the alert
 * states of the organization, whatever series the monitors name, and the host summaries only for a
 * role read without role series or an anomaly monitor. A job taken after its deadline is skipped whole (a newer
 * run has its monitors by then) and reported.
 */
export async function runCheckerJob(
  deps: Deps,
  job: CheckerJob,
  http: OutboundHttp,
): Promise<CheckerJobResult> {
  const { orgId, type, at: now } = job;
  const result: CheckerJobResult = {
    orgId,
    type,
    monitors: job.monitorIds.length,
    evaluations: 0,
    skipped: [],
  };
  const late = epochSeconds(deps.clock) - now;
  if (late > JOB_DEADLINE_SECONDS) {
    result.skipped = job.monitorIds.map((monitorId) => ({
      monitorId,
      type,
      reason: `the job was taken ${late} s after its run (more than ${JOB_DEADLINE_SECONDS} s)`,
    }));
    return result;
  }
  const [named, allStates] = await Promise.all([
    deps.entities.monitors.getMany(orgId, job.monitorIds),
    deps.entities.alertStates.list(orgId),
  ]);
  // A monitor deleted since the run is gone; one whose type changed is another job's now.
  const monitors = named.filter((m) => m.type === type);
  const ids = new Set(monitors.map((m) => m.id));
  const states = allStates.filter((s) => ids.has(s.monitorId));
  const byKey = new Map(states.map((s) => [`${s.monitorId}#${s.target}`, s]));
  // Effects left pending by a run that died are finished first.
  for (const s of states.filter((s) => isStale(s, now))) {
    await settleState(deps, orgId, s);
    byKey.set(`${s.monitorId}#${s.target}`, { ...s, pending: [] });
  }
  const hosts = lazily<readonly HostSummary[]>(() => deps.entities.hosts.listSummaries(orgId));
  const skipped = result.skipped;
  const evaluations: Evaluation[] = [];
  const add = (found: (Evaluation | undefined)[] | Evaluation | undefined) => {
    for (const e of [found ?? []].flat()) if (e) evaluations.push(e);
  };
  const each = <T extends Monitor, R>(limit: number, work: (m: T) => Promise<R>) =>
    mapLimited(monitors as T[], limit, (m) => isolated(m, skipped, () => work(m)));
  switch (type) {
    case 'service':
      for (const found of await each<ServiceMetricMonitor, Evaluation | undefined>(8, (m) =>
        missingData(deps, orgId, m, now),
      ))
        add(found);
      break;
    case 'external':
      for (const found of await each<ExternalMonitor, Evaluation | undefined>(16, (m) =>
        probeExternal(deps, orgId, m, http),
      ))
        add(found);
      break;
    case 'expression':
      for (const found of await each<ExpressionMonitor, Evaluation | undefined>(8, (m) =>
        evaluateExpressionMonitor(deps, orgId, m, now, hosts),
      ))
        add(found);
      break;
    case 'anomalyDetection':
      for (const found of await each<AnomalyDetectionMonitor, Evaluation[]>(1, async (m) =>
        evaluateAnomalyMonitor(deps, orgId, m, now, [...(await hosts())]),
      ))
        add(found);
      break;
    case 'query':
      for (const found of await each<QueryMonitor, Evaluation[]>(4, (m) =>
        evaluateQueryMonitor(deps, orgId, m, now, states),
      ))
        add(found);
      break;
  }
  // Only targets that are not OK, or have a state, need the engine: a healthy fleet writes nothing.
  await applyEvaluations(
    deps,
    orgId,
    evaluations.filter((e) => e.observation.status !== 'OK' || byKey.has(stateKey(e.target))),
    byKey,
  );
  result.evaluations = evaluations.length;
  return result;
}
