import type { HostSummary } from '../../domain/host.ts';
import type { MetricPoint } from '../../domain/metrics.ts';
import {
  ExpressionError,
  evaluateExpression,
  parseExpression,
  type Series,
  type SeriesRef,
  seriesRefKey,
} from '../../domain/monitoring/expression.ts';
import { type ExpressionMonitor, thresholdStatus } from '../../domain/monitoring/monitor.ts';
import { parseRoleFullname } from '../../domain/names.ts';
import type { Deps } from '../../ports/deps.ts';
import type { Evaluation } from './alert-engine.ts';

const toSeries = (points: MetricPoint[]): Series =>
  new Map(points.map((p) => [Math.floor(p.time / 60) * 60, p.value]));

async function fetchRef(
  deps: Deps,
  orgId: string,
  ref: SeriesRef,
  from: number,
  to: number,
  hosts: readonly HostSummary[],
): Promise<Series[]> {
  switch (ref.kind) {
    case 'host':
      return [
        toSeries(await deps.metrics.range(orgId, { kind: 'host', id: ref.hostId }, ref.metric, from, to, 60)),
      ];
    case 'service':
      return [
        toSeries(
          await deps.metrics.range(orgId, { kind: 'service', id: ref.service }, ref.metric, from, to, 60),
        ),
      ];
    case 'role': {
      const { service, role } = parseRoleFullname(ref.fullname);
      const owners = hosts
        .filter((h) => !h.isRetired && (h.roles[service] ?? []).includes(role))
        .map((h) => ({ kind: 'host' as const, id: h.id }));
      if (owners.length === 0) return [];
      const byOwner = await deps.metrics.rangeMany(orgId, owners, ref.metric, from, to, 60);
      return Object.values(byOwner)
        .filter((p) => p.length > 0)
        .map(toSeries);
    }
  }
}

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
    const data = new Map<string, Series[]>();
    for (const ref of parsed.refs)
      data.set(seriesRefKey(ref), await fetchRef(deps, orgId, ref, from, now, hosts));
    const value = evaluateExpression(parsed, data);
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
