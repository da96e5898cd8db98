import { createHash } from 'node:crypto';
import type { AlertState } from '../../domain/monitoring/alert-state.ts';
import { type QueryMonitor, thresholdStatus } from '../../domain/monitoring/monitor.ts';
import { METRIC_NAME } from '../../domain/promql/ast.ts';
import { evaluate, type QueryResult } from '../../domain/promql/engine.ts';
import { legendOf } from '../../domain/promql/legend.ts';
import { PromQLParseError, parsePromQL } from '../../domain/promql/parse.ts';
import { type Labels, PromQLExecutionError } from '../../domain/promql/values.ts';
import { expandVariables } from '../../domain/promql/variables.ts';
import type { Deps } from '../../ports/deps.ts';
import { labeledSource } from '../labeled/prometheus-api.ts';
import type { Evaluation } from './alert-engine.ts';

/** A series' part of its alert state's key: a hash of its labels. */
export const seriesAspect = (labels: Labels): string =>
  `series:${createHash('sha256')
    .update(
      Object.keys(labels)
        .sort()
        .map((k) => `${k}=${labels[k]}`)
        .join('\0'),
    )
    .digest('base64url')
    .slice(0, 16)}`;

/** Each series' value in the result (a scalar is one series without labels). */
function newestValues(result: QueryResult): { labels: Labels; value: number }[] {
  switch (result.resultType) {
    case 'scalar':
      return [{ labels: {}, value: result.result[1] }];
    case 'vector':
      return result.result.map((s) => ({ labels: s.metric, value: s.value[1] }));
    case 'matrix':
      return result.result.flatMap((s) => {
        const last = s.values[s.values.length - 1];
        return last ? [{ labels: s.metric, value: last[1] }] : [];
      });
    default:
      return [];
  }
}

/**
 * A query monitor's verdicts: its query evaluated now (or `evaluateBackwardMinutes` ago, so late
 * points are in), one target per series, judged by the thresholds; a series that had
 * an alert and is gone from the result recovers. A query that fails to evaluate is UNKNOWN on the
 * monitor itself, with the reason.
 */
export async function evaluateQueryMonitor(
  deps: Deps,
  orgId: string,
  m: QueryMonitor,
  now: number,
  states: readonly AlertState[],
): Promise<Evaluation[]> {
  const base = {
    monitor: m,
    alertType: 'query' as const,
    maxCheckAttempts: 1,
    ...(m.notificationInterval !== undefined && { notificationInterval: m.notificationInterval }),
  };
  const at = (now - (m.evaluateBackwardMinutes ?? 0) * 60) * 1000;
  let result: QueryResult;
  try {
    const range = { start: at, end: at, step: 0, instant: true };
    result = await evaluate(parsePromQL(expandVariables(m.query, range)), labeledSource(deps, orgId), range);
  } catch (err) {
    if (!(err instanceof PromQLParseError || err instanceof PromQLExecutionError)) throw err;
    return [
      {
        ...base,
        target: { monitorId: m.id },
        observation: { status: 'UNKNOWN', message: `Query error: ${err.message}` },
      },
    ];
  }
  const evaluations: Evaluation[] = [];
  const seen = new Set<string>();
  for (const { labels, value } of newestValues(result)) {
    if (!Number.isFinite(value)) continue;
    const aspect = seriesAspect(labels);
    seen.add(`monitor/${aspect}`);
    const { [METRIC_NAME]: name = '', ...rest } = labels;
    evaluations.push({
      ...base,
      target: { monitorId: m.id, aspect, series: { name, labels: rest } },
      observation: { status: thresholdStatus(value, m), value, message: legendOf(labels, m.legend) },
    });
  }
  // Alerts of series gone from the result recover; so does the monitor's own error.
  for (const s of states)
    if (s.monitorId === m.id && !seen.has(s.target))
      evaluations.push({
        ...base,
        target: {
          monitorId: m.id,
          ...(s.target.startsWith('monitor/') && { aspect: s.target.slice('monitor/'.length) }),
          ...(s.series && { series: s.series }),
        },
        observation: { status: 'OK' },
      });
  return evaluations;
}
