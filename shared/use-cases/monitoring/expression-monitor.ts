import type { HostSummary } from '../../domain/host.ts';
import { ExpressionError, evaluateExpression, parseExpression } from '../../domain/monitoring/expression.ts';
import { type ExpressionMonitor, thresholdStatus } from '../../domain/monitoring/monitor.ts';
import type { Deps } from '../../ports/deps.ts';
import { fetchRefs, roleFromMembers, roleFromRoleSeries } from '../metrics/expression-reads.ts';
import type { Evaluation } from './alert-engine.ts';

/**
 * An expression monitor's verdict: the newest value of the expression within the last
 * `evaluateBackwardMinutes` (default 2). No data at all is no verdict (nothing changes), as in
 * Mackerel. A `role()` reads the role series kept on ingest where the store keeps them (DynamoDB: a
 * Query per minute for the whole role), else its member hosts' series (`hosts`, read when needed).
 */
export async function evaluateExpressionMonitor(
  deps: Deps,
  orgId: string,
  m: ExpressionMonitor,
  now: number,
  hosts: () => Promise<readonly HostSummary[]>,
): Promise<Evaluation | undefined> {
  const minutes = m.evaluateBackwardMinutes ?? 2;
  const from = now - minutes * 60;
  try {
    const parsed = parseExpression(m.expression);
    const roles = deps.metrics.roleSeries
      ? roleFromRoleSeries(deps.metrics.roleSeries, orgId)
      : roleFromMembers(deps, orgId, hosts);
    const value = evaluateExpression(parsed, await fetchRefs(deps, orgId, parsed.refs, from, now, 60, roles));
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
