import { epochSeconds } from '../../domain/clock.ts';
import type { MetricOwner, NamedPoint } from '../../domain/metrics.ts';
import { newestFresh } from '../../domain/monitoring/freshness.ts';
import {
  type HostMetricMonitor,
  hostInScope,
  isPseudoMetric,
  pseudoMetricInputs,
  pseudoMetricValue,
  type ServiceMetricMonitor,
  thresholdStatus,
  triggerMetric,
} from '../../domain/monitoring/monitor.ts';
import type { Deps } from '../../ports/deps.ts';
import { applyEvaluations, type Evaluation } from './alert-engine.ts';
import type { MonitorDirectory } from './monitor-directory.ts';

const mean = (values: number[]) => values.reduce((s, v) => s + v, 0) / values.length;

/** A threshold monitor's verdict on one value. */
function verdict(
  m: HostMetricMonitor | ServiceMetricMonitor,
  target: Evaluation['target'],
  value: number,
  host?: Evaluation['host'],
): Evaluation {
  return {
    monitor: m,
    target,
    observation: { status: thresholdStatus(value, m), value },
    alertType: m.type,
    maxCheckAttempts: m.maxCheckAttempts ?? 1,
    ...(m.notificationInterval !== undefined && { notificationInterval: m.notificationInterval }),
    ...(host && { host }),
  };
}

/** The average of a host metric (or pseudo-metric) over the `minutes` up to `newest`. */
async function hostAverage(
  deps: Deps,
  orgId: string,
  owner: MetricOwner,
  metric: string,
  newest: number,
  minutes: number,
  posted: readonly string[],
  latest: Record<string, number>,
): Promise<number | undefined> {
  // A one-minute window holds only this post's newest values: no read.
  if (minutes <= 1) return isPseudoMetric(metric) ? pseudoMetricValue(metric, latest) : latest[metric];
  const from = newest - minutes * 60 + 1;
  if (!isPseudoMetric(metric)) {
    const points = await deps.metrics.range(orgId, owner, metric, from, newest, 60);
    return points.length > 0 ? mean(points.map((p) => p.value)) : undefined;
  }
  const inputs = pseudoMetricInputs(metric, posted);
  const byTime = new Map<number, Record<string, number>>();
  const series = await Promise.all(inputs.map((n) => deps.metrics.range(orgId, owner, n, from, newest, 60)));
  series.forEach((points, i) => {
    for (const p of points) byTime.set(p.time, { ...byTime.get(p.time), [inputs[i] as string]: p.value });
  });
  const values = [...byTime.values()].map((v) => pseudoMetricValue(metric, v)).filter((v) => v !== undefined);
  return values.length > 0 ? mean(values) : undefined;
}

/**
 * On ingest: the host metric monitors whose metric just arrived for this host, each over its
 * `duration` minutes. Hosts in maintenance or powered off are not monitored.
 */
export async function evaluateHostMetricMonitors(
  deps: Deps,
  directory: MonitorDirectory,
  orgId: string,
  hostId: string,
  points: NamedPoint[],
): Promise<void> {
  const fresh = newestFresh(points, epochSeconds(deps.clock));
  if (!fresh) return;
  const { time: newest, values: latest } = fresh;
  const names = new Set(points.map((p) => p.name));
  const monitors = (await directory.list(deps, orgId)).filter(
    (m): m is HostMetricMonitor => m.type === 'host' && triggerMetric(m.metric, names),
  );
  if (monitors.length === 0) return;
  const host = await directory.host(deps, orgId, hostId);
  if (!host || host.isRetired || host.status === 'maintenance' || host.status === 'poweroff') return;
  const owner: MetricOwner = { kind: 'host', id: hostId };
  const evaluations: Evaluation[] = [];
  for (const m of monitors.filter((m) => hostInScope(host.roles, m.scopes, m.excludeScopes))) {
    const value = await hostAverage(deps, orgId, owner, m.metric, newest, m.duration, [...names], latest);
    if (value === undefined) continue;
    evaluations.push(verdict(m, { monitorId: m.id, hostId }, value, host));
  }
  await applyEvaluations(deps, orgId, evaluations);
}

/** On ingest: service metric monitors over the last `duration` points of their metric. */
export async function evaluateServiceMetricMonitors(
  deps: Deps,
  directory: MonitorDirectory,
  orgId: string,
  service: string,
  points: NamedPoint[],
): Promise<void> {
  const newest = newestFresh(points, epochSeconds(deps.clock))?.time;
  if (newest === undefined) return;
  const names = new Set(points.map((p) => p.name));
  const monitors = (await directory.list(deps, orgId)).filter(
    (m): m is ServiceMetricMonitor => m.type === 'service' && m.service === service && names.has(m.metric),
  );
  const evaluations: Evaluation[] = [];
  for (const m of monitors) {
    const recent = await deps.metrics.range(
      orgId,
      { kind: 'service', id: service },
      m.metric,
      newest - Math.max(10, m.duration * 5) * 60,
      newest,
      60,
    );
    const last = recent.slice(-m.duration);
    if (last.length === 0) continue;
    evaluations.push(verdict(m, { monitorId: m.id, service }, mean(last.map((p) => p.value))));
  }
  await applyEvaluations(deps, orgId, evaluations);
}
