import type { Context } from 'aws-lambda';
import type { CheckerJobResult } from '../domain/monitoring/checker-jobs.ts';
import type { MetricsEntry } from '../logging.ts';
import type { CheckerRunStats } from '../use-cases/monitoring/checker.ts';

/**
 * The share of the invocation's timeout a piece of work used: its time over its time plus what the
 * invocation has left. Undefined off Lambda (no timeout).
 */
export function limitUsedPercent(ms: number, context?: Pick<Context, 'getRemainingTimeInMillis'>) {
  if (!context) return undefined;
  const left = context.getRemainingTimeInMillis();
  return Math.round((100 * ms) / (ms + Math.max(0, left)));
}

const timing = (ms: number, context?: Context): MetricsEntry['values'] => {
  const used = limitUsedPercent(ms, context);
  return {
    RunMilliseconds: [Math.round(ms), 'Milliseconds'],
    ...(used !== undefined && { LimitUsedPercent: [used, 'Percent'] }),
  };
};

/** A scheduled run's metrics: one entry per monitor type, and the run's own (failures, time). */
export function runMetrics(stats: CheckerRunStats, ms: number, context?: Context): MetricsEntry[] {
  return [
    ...Object.entries(stats.byType).map(([type, t]) => ({
      values: {
        Evaluations: [t.evaluations, 'Count'],
        Skipped: [t.skipped, 'Count'],
      } as MetricsEntry['values'],
      dimensions: { MonitorType: type },
    })),
    { values: { Failures: [stats.failures, 'Count'], ...timing(ms, context) }, dimensions: { Part: 'run' } },
  ];
}

/** A checker job's metrics, under its monitor type. */
export function jobMetrics(job: CheckerJobResult, ms: number, context?: Context): MetricsEntry {
  return {
    values: {
      Evaluations: [job.evaluations, 'Count'],
      Skipped: [job.skipped.length, 'Count'],
      ...timing(ms, context),
    },
    dimensions: { MonitorType: job.type },
  };
}
