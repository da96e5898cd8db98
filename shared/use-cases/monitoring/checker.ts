import { mapLimited } from '../../concurrency.ts';
import { epochSeconds } from '../../domain/clock.ts';
import type { HostSummary } from '../../domain/host.ts';
import { stateKey } from '../../domain/monitoring/alert-state.ts';
import {
  type AnomalyDetectionMonitor,
  type ConnectivityMonitor,
  type ExpressionMonitor,
  type ExternalMonitor,
  hostInScope,
  type Monitor,
  type QueryMonitor,
  type ServiceMetricMonitor,
} from '../../domain/monitoring/monitor.ts';
import type { Org } from '../../domain/org.ts';
import type { Deps } from '../../ports/deps.ts';
import type { OutboundHttp } from '../../ports/notifications.ts';
import { retireAndCloseAlerts } from '../retire-hosts.ts';
import { applyEvaluations, type Evaluation, isStale, settleState } from './alert-engine.ts';
import { resendAlertGroups } from './alert-groups.ts';
import { evaluateAnomalyMonitor } from './anomaly-monitor.ts';
import { evaluateExpressionMonitor } from './expression-monitor.ts';
import { probeExternal } from './external-probe.ts';
import { evaluateQueryMonitor } from './query-monitor.ts';

export interface CheckerSettings {
  /** Silence longer than this raises a connectivity alert. */
  connectivityTimeoutSeconds: number;
  /** Silence before this time is not held against a host (local mode: the process start). */
  watchingSince?: number;
  http: OutboundHttp;
  /**
   * Asked about hosts that just fell silent, before their connectivity alerts open: answers those
   * that must not alert because they are gone (a terminated instance, retired by the hook).
   */
  beforeSilenceAlert?: (deps: Deps, orgId: string, hostIds: string[]) => Promise<Set<string>>;
}

export interface CheckerRunStats {
  orgs: number;
  hosts: number;
  monitors: number;
  evaluations: number;
  /** Monitors whose evaluation failed twice this run (each also logged with its reason). */
  skipped: number;
}

/** A monitor left out of one run: its evaluation failed on both tries. */
export interface SkippedMonitor {
  monitorId: string;
  type: string;
  reason: string;
}

/**
 * One monitor's evaluation, tried twice: a failed read fails that monitor alone, never the
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

const monitored = (h: HostSummary) => !h.isRetired && (h.status === 'working' || h.status === 'standby');

function connectivity(
  monitors: ConnectivityMonitor[],
  hosts: HostSummary[],
  lastSeen: Record<string, number>,
  now: number,
  settings: CheckerSettings,
): Evaluation[] {
  const out: Evaluation[] = [];
  for (const host of hosts.filter((h) => monitored(h) && !h.agentless)) {
    const seen = Math.max(lastSeen[host.id] ?? 0, host.createdAt);
    const silent = now - Math.max(seen, settings.watchingSince ?? 0) > settings.connectivityTimeoutSeconds;
    // Silent, but only since before this checker started watching: neither raised nor closed yet,
    // so a restart neither alerts on old silence nor closes (and re-opens) an alert that is open.
    if (!silent && now - seen > settings.connectivityTimeoutSeconds) continue;
    for (const m of monitors) {
      if (!hostInScope(host.roles, m.scopes, m.excludeScopes)) continue;
      out.push({
        monitor: m,
        target: { monitorId: m.id, hostId: host.id },
        observation: silent ? { status: m.alertStatusOnGone ?? 'CRITICAL' } : { status: 'OK' },
        alertType: 'connectivity',
        maxCheckAttempts: 1,
        ...(m.notificationInterval !== undefined && { notificationInterval: m.notificationInterval }),
        host,
      });
    }
  }
  return out;
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

/**
 * One checker run for one organization: connectivity of every monitored host (silence judged
 * against now − timeout, never against ticks), missing service metrics, external HTTP checks,
 * expressions, role anomaly detection and query monitors; then resends alert groups that are due.
 * Silent agents are judged and applied first, so no other monitor's cost or failure holds them back;
 * every other monitor is evaluated in isolation (a failure skips it alone). Reads: the monitors, the
 * host summaries and the pulses (32 shards each), the alert states; then whatever series the
 * service, expression and query monitors name.
 */
export async function checkOrganization(
  deps: Deps,
  orgId: string,
  settings: CheckerSettings,
  org?: Pick<Org, 'retireSilentHostsAfterDays'>,
): Promise<Omit<CheckerRunStats, 'orgs' | 'skipped'> & { skipped: SkippedMonitor[] }> {
  const now = epochSeconds(deps.clock);
  const [monitors, states] = await Promise.all([
    deps.entities.monitors.list(orgId),
    deps.entities.alertStates.list(orgId),
  ]);
  const byKey = new Map(states.map((s) => [`${s.monitorId}#${s.target}`, s]));
  // Effects left pending by a run that died are finished first.
  for (const s of states.filter((s) => isStale(s, now))) {
    await settleState(deps, orgId, s);
    byKey.set(`${s.monitorId}#${s.target}`, { ...s, pending: [] });
  }
  const ofType = <T extends Monitor>(type: T['type']) => monitors.filter((m): m is T => m.type === type);

  const connectivityMonitors = ofType<ConnectivityMonitor>('connectivity');
  const expressionMonitors = ofType<ExpressionMonitor>('expression');
  const anomalyMonitors = ofType<AnomalyDetectionMonitor>('anomalyDetection');
  const retireAfterDays = org?.retireSilentHostsAfterDays;
  const needsHosts =
    connectivityMonitors.length > 0 ||
    expressionMonitors.length > 0 ||
    anomalyMonitors.length > 0 ||
    !!retireAfterDays;
  let [hosts, lastSeen] = await Promise.all([
    needsHosts ? deps.entities.hosts.listSummaries(orgId) : [],
    connectivityMonitors.length > 0 || retireAfterDays
      ? deps.metrics.lastSeen(orgId, now - settings.connectivityTimeoutSeconds)
      : ({} as Record<string, number>),
  ]);
  if (retireAfterDays) {
    const longSilent = hosts.filter(
      (h) =>
        !h.isRetired &&
        !h.agentless &&
        Math.max(lastSeen[h.id] ?? 0, h.createdAt) < now - retireAfterDays * 86400,
    );
    await retireAndCloseAlerts(
      deps,
      orgId,
      longSilent.map((h) => h.id),
    );
    const ids = new Set(longSilent.map((h) => h.id));
    hosts = hosts.filter((h) => !ids.has(h.id));
  }
  let silences: Evaluation[] = connectivity(connectivityMonitors, hosts, lastSeen, now, settings);
  const newlySilent = [
    ...new Set(
      silences
        .filter((e) => e.observation.status !== 'OK' && !byKey.has(stateKey(e.target)))
        .map((e) => e.target.hostId ?? ''),
    ),
  ];
  if (newlySilent.length > 0 && settings.beforeSilenceAlert) {
    const gone = await settings.beforeSilenceAlert(deps, orgId, newlySilent);
    silences = silences.filter((e) => !gone.has(e.target.hostId ?? ''));
  }
  // Only targets that are not OK, or have a state, need the engine: a healthy fleet writes nothing.
  const needed = (list: Evaluation[]) =>
    list.filter((e) => e.observation.status !== 'OK' || byKey.has(stateKey(e.target)));
  // Silent agents first: whatever the other monitors cost, or however they fail, these alerts open.
  await applyEvaluations(deps, orgId, needed(silences), byKey);

  const skipped: SkippedMonitor[] = [];
  const evaluations: Evaluation[] = [];
  const add = (found: (Evaluation | undefined)[] | Evaluation | undefined) => {
    for (const e of [found ?? []].flat()) if (e) evaluations.push(e);
  };
  for (const m of ofType<ServiceMetricMonitor>('service'))
    add(await isolated(m, skipped, () => missingData(deps, orgId, m, now)));
  add(
    await mapLimited(ofType<ExternalMonitor>('external'), 16, (m) =>
      isolated(m, skipped, () => probeExternal(deps, orgId, m, settings.http)),
    ),
  );
  add(
    await mapLimited(expressionMonitors, 8, (m) =>
      isolated(m, skipped, () => evaluateExpressionMonitor(deps, orgId, m, now, hosts)),
    ),
  );
  for (const m of anomalyMonitors)
    add(await isolated(m, skipped, () => evaluateAnomalyMonitor(deps, orgId, m, now, hosts)));
  const queries = await mapLimited(ofType<QueryMonitor>('query'), 4, (m) =>
    isolated(m, skipped, () => evaluateQueryMonitor(deps, orgId, m, now, states)),
  );
  for (const q of queries) add(q);

  await applyEvaluations(deps, orgId, needed(evaluations), byKey);
  await resendAlertGroups(deps, orgId);
  return {
    hosts: hosts.length,
    monitors: monitors.length,
    evaluations: silences.length + evaluations.length,
    skipped,
  };
}

/**
 * The scheduled checker: every organization, one after another; one failing does not stop the rest,
 * and a monitor whose evaluation fails is skipped alone, each skip logged with its reason.
 */
export async function runChecker(
  deps: Deps,
  settings: CheckerSettings,
  log: (msg: string, err: unknown) => void,
): Promise<CheckerRunStats> {
  const stats: CheckerRunStats = { orgs: 0, hosts: 0, monitors: 0, evaluations: 0, skipped: 0 };
  for (const org of await deps.entities.orgs.list()) {
    try {
      const s = await checkOrganization(deps, org.id, settings, org);
      stats.orgs++;
      stats.hosts += s.hosts;
      stats.monitors += s.monitors;
      stats.evaluations += s.evaluations;
      stats.skipped += s.skipped.length;
      for (const skip of s.skipped)
        log(
          `checker skipped ${skip.type} monitor ${skip.monitorId} of organization ${org.id}`,
          new Error(skip.reason),
        );
    } catch (err) {
      log(`checker failed for organization ${org.id}`, err);
    }
  }
  return stats;
}
