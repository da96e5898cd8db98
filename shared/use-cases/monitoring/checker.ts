import { mapLimited } from '../../concurrency.ts';
import { epochSeconds } from '../../domain/clock.ts';
import type { HostSummary } from '../../domain/host.ts';
import { stateKey } from '../../domain/monitoring/alert-state.ts';
import {
  type CheckerJob,
  checkedInJob,
  planCheckerJobs,
  type SkippedMonitor,
} from '../../domain/monitoring/checker-jobs.ts';
import { type ConnectivityMonitor, hostInScope, type Monitor } from '../../domain/monitoring/monitor.ts';
import type { Org } from '../../domain/org.ts';
import type { CheckerJobQueue } from '../../ports/checker-jobs.ts';
import type { Deps } from '../../ports/deps.ts';
import type { OutboundHttp } from '../../ports/notifications.ts';
import { retireAndCloseAlerts } from '../retire-hosts.ts';
import { applyEvaluations, type Evaluation, isStale, settleState } from './alert-engine.ts';
import { resendAlertGroups } from './alert-groups.ts';
import { runCheckerJob } from './checker-job.ts';
import { inProcessCheckerJobs } from './in-process-jobs.ts';

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

/** Evaluations and skips of one monitor type in a run. */
export interface TypeStats {
  evaluations: number;
  skipped: number;
}

export interface CheckerRunStats {
  orgs: number;
  hosts: number;
  monitors: number;
  /** Jobs sent to the queue (their monitors' evaluations count here only when they ran in-process). */
  jobs: number;
  evaluations: number;
  /** Monitors left out of this run (each also logged with its reason). */
  skipped: number;
  /** Organizations whose run failed (logged). */
  failures: number;
  byType: Record<string, TypeStats>;
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

/**
 * One checker run for one organization: its jobs sent first (every monitor the checker evaluates
 * besides connectivity, split by type into bounded jobs), then silent agents judged against
 * now − timeout (never against ticks) and applied here, so no other monitor's cost or failure holds
 * them back; then alert groups that are due are resent. Reads: the monitors, the alert states, the
 * host summaries and the pulses (32 shards each).
 */
export async function checkOrganization(
  deps: Deps,
  orgId: string,
  settings: CheckerSettings,
  queue: CheckerJobQueue,
  org?: Pick<Org, 'retireSilentHostsAfterDays'>,
): Promise<{
  hosts: number;
  monitors: number;
  evaluations: number;
  jobs: CheckerJob[];
  skipped: SkippedMonitor[];
}> {
  const now = epochSeconds(deps.clock);
  const [monitors, states] = await Promise.all([
    deps.entities.monitors.list(orgId),
    deps.entities.alertStates.list(orgId),
  ]);
  const jobs = planCheckerJobs(orgId, monitors, now);
  const skipped: SkippedMonitor[] = [];
  try {
    await queue.sendAll(jobs);
  } catch (err) {
    const reason = `its job could not be queued: ${(err as Error).message}`;
    for (const job of jobs)
      for (const monitorId of job.monitorIds) skipped.push({ monitorId, type: job.type, reason });
  }
  const inJobs = new Set(monitors.filter(checkedInJob).map((m) => m.id));
  const byKey = new Map(states.map((s) => [`${s.monitorId}#${s.target}`, s]));
  // Effects left pending by a run that died are finished first (a job settles its own monitors').
  for (const s of states.filter((s) => !inJobs.has(s.monitorId) && isStale(s, now))) {
    await settleState(deps, orgId, s);
    byKey.set(`${s.monitorId}#${s.target}`, { ...s, pending: [] });
  }
  const ofType = <T extends Monitor>(type: T['type']) => monitors.filter((m): m is T => m.type === type);
  const connectivityMonitors = ofType<ConnectivityMonitor>('connectivity');
  const retireAfterDays = org?.retireSilentHostsAfterDays;
  let [hosts, lastSeen] = await Promise.all([
    connectivityMonitors.length > 0 || retireAfterDays ? deps.entities.hosts.listSummaries(orgId) : [],
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
  await applyEvaluations(
    deps,
    orgId,
    silences.filter((e) => e.observation.status !== 'OK' || byKey.has(stateKey(e.target))),
    byKey,
  );
  await resendAlertGroups(deps, orgId);
  return { hosts: hosts.length, monitors: monitors.length, evaluations: silences.length, jobs, skipped };
}

const emptyStats = (): CheckerRunStats => ({
  orgs: 0,
  hosts: 0,
  monitors: 0,
  jobs: 0,
  evaluations: 0,
  skipped: 0,
  failures: 0,
  byType: { connectivity: { evaluations: 0, skipped: 0 } },
});

/** Adds what a job or an organization's run did to the run's totals. */
function count(stats: CheckerRunStats, type: string, evaluations: number, skipped: number): void {
  const t = stats.byType[type] ?? { evaluations: 0, skipped: 0 };
  stats.byType[type] = t;
  t.evaluations += evaluations;
  t.skipped += skipped;
  stats.evaluations += evaluations;
  stats.skipped += skipped;
}

/** Jobs run in this process: what the checker does when no queue is given (local mode, tests). */
export const localCheckerJobs = (deps: Deps, settings: CheckerSettings): CheckerJobQueue =>
  inProcessCheckerJobs((job) => runCheckerJob(deps, job, settings.http));

/** One line per skipped monitor, with its reason. */
export function logSkips(
  log: (msg: string, err: unknown) => void,
  orgId: string,
  skipped: readonly SkippedMonitor[],
): void {
  for (const skip of skipped)
    log(
      `checker skipped ${skip.type} monitor ${skip.monitorId} of organization ${orgId}`,
      new Error(skip.reason),
    );
}

/**
 * The scheduled checker: every organization (4 at a time); one failing does not stop the rest.
 * Each sends its jobs to `queue` and judges its silent agents. With an in-process queue the run
 * waits for the jobs and counts them too; a skipped monitor is logged with its reason.
 */
export async function runChecker(
  deps: Deps,
  settings: CheckerSettings,
  log: (msg: string, err: unknown) => void,
  queue: CheckerJobQueue = localCheckerJobs(deps, settings),
): Promise<CheckerRunStats> {
  const stats = emptyStats();
  await mapLimited(await deps.entities.orgs.list(), 4, async (org) => {
    try {
      const s = await checkOrganization(deps, org.id, settings, queue, org);
      stats.orgs++;
      stats.hosts += s.hosts;
      stats.monitors += s.monitors;
      stats.jobs += s.jobs.length;
      count(stats, 'connectivity', s.evaluations, 0);
      for (const skip of s.skipped) count(stats, skip.type, 0, 1);
      logSkips(log, org.id, s.skipped);
    } catch (err) {
      stats.failures++;
      log(`checker failed for organization ${org.id}`, err);
    }
  });
  for (const job of (await queue.settled?.()) ?? []) {
    count(stats, job.type, job.evaluations, job.skipped.length);
    logSkips(log, job.orgId, job.skipped);
  }
  return stats;
}
