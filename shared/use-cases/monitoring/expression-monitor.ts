import type { HostSummary } from '../../domain/host.ts';
import { ExpressionError, evaluateExpression, parseExpression } from '../../domain/monitoring/expression.ts';
import { type ExpressionMonitor, thresholdStatus } from '../../domain/monitoring/monitor.ts';
import type { Deps } from '../../ports/deps.ts';
import { fetchRefs } from '../metrics/expression-reads.ts';
import type { Evaluation } from './alert-engine.ts';

/**
 * An expression monitor's verdict: the newest value of the expression within the last
 * `evaluateBackwardMinutes` (default 2). No data at all is no verdict (nothing changes), as in
 * Mackerel. Role members come from the host summaries the checker has already read.
 */
export async function evaluateExpressionMonitor(
  deps: Deps,
  orgId: string,
  m: ExpressionMonitor,
  now: number,
  hosts: readonly HostSummary[],
): Promise<Evaluation | undefined> {
  const minutes = m.evaluateBackwardMinutes ?? 2;
  const from = now - minutes * 60;
  try {
    const parsed = parseExpression(m.expression);
    const value = evaluateExpression(parsed, await fetchRefs(deps, orgId, parsed.refs, from, now, 60, hosts));
    if (value === undefined) return undefined;
    return {
      monitor: m,
      target: { monitorId: m.id },
      observation: { status: thresholdStatus(value, m), value },
      alertType: 'expression',
      maxCheckAttempts: 1,
      ...(m.notificationInterval !== undefined && { notificationInterval: m.notificationInterval }),
    };
  } catch (err) {
    if (!(err instanceof ExpressionError)) throw err;
    return {
      monitor: m,
      target: { monitorId: m.id },
      observation: { status: 'UNKNOWN', message: `Expression error: ${err.message}` },
      alertType: 'expression',
      maxCheckAttempts: 1,
    };
  }
}
