import type { Monitor } from './monitor.ts';

/**
 * The checker's split. Silent agents (connectivity) are judged by the scheduled run itself, first;
 * every other monitor the checker evaluates goes out as a bounded job (one organization, one monitor
 * type, at most `MONITORS_PER_JOB` of that type), so an expensive type delays only its own jobs. On
 * AWS the jobs go through a queue to a worker of their own; locally they run in the same process.
 */
export const JOB_TYPES = ['service', 'external', 'expression', 'anomalyDetection', 'query'] as const;
export type JobMonitorType = (typeof JOB_TYPES)[number];

/**
 * Monitors per job, by what one costs: a service monitor's missing-data check is one series read; an
 * external monitor waits up to its timeout (16 run side by side); an expression reads its series
 * (a role: a Query per minute); a query monitor runs PromQL over its series; an anomaly monitor
 * scores every host of its roles.
 */
export const MONITORS_PER_JOB: Record<JobMonitorType, number> = {
  service: 100,
  external: 32,
  expression: 10,
  query: 8,
  anomalyDetection: 2,
};

/** A job is taken up to this long after its run was scheduled; later it is stale, and skipped. */
export const JOB_DEADLINE_SECONDS = 120;

export interface CheckerJob {
  orgId: string;
  type: JobMonitorType;
  monitorIds: string[];
  /** The run's time (epoch s): the job evaluates as of then. */
  at: number;
}

/** A monitor left out of one run, and why (an evaluation that failed twice, a stale job). */
export interface SkippedMonitor {
  monitorId: string;
  type: string;
  reason: string;
}

export interface CheckerJobResult {
  orgId: string;
  type: JobMonitorType;
  monitors: number;
  evaluations: number;
  skipped: SkippedMonitor[];
}

const isJobType = (type: string): type is JobMonitorType => (JOB_TYPES as readonly string[]).includes(type);

/** Whether the checker evaluates this monitor in a job (service monitors only for missing data). */
export function checkedInJob(m: Monitor): m is Monitor & { type: JobMonitorType } {
  if (!isJobType(m.type)) return false;
  return m.type !== 'service' || Math.max(m.missingDurationWarning ?? 0, m.missingDurationCritical ?? 0) > 0;
}

/** The jobs of one organization's run: its job monitors by type, in chunks. */
export function planCheckerJobs(orgId: string, monitors: readonly Monitor[], at: number): CheckerJob[] {
  const byType = new Map<JobMonitorType, string[]>();
  for (const m of monitors) {
    if (!checkedInJob(m)) continue;
    const ids = byType.get(m.type) ?? [];
    ids.push(m.id);
    byType.set(m.type, ids);
  }
  const jobs: CheckerJob[] = [];
  for (const type of JOB_TYPES) {
    const ids = byType.get(type) ?? [];
    for (let i = 0; i < ids.length; i += MONITORS_PER_JOB[type])
      jobs.push({ orgId, type, monitorIds: ids.slice(i, i + MONITORS_PER_JOB[type]), at });
  }
  return jobs;
}
