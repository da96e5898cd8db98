import type { HostRoles } from '../host.ts';
import type { Sensitivity } from './anomaly/sensitivity.ts';

/** The monitor types the Monitors API accepts; check monitors are made by check reports. */
export const MONITOR_TYPES = [
  'connectivity',
  'host',
  'service',
  'external',
  'expression',
  'anomalyDetection',
  'query',
] as const;
export type MonitorType = (typeof MONITOR_TYPES)[number];
/** Types Mackerel has that saba refuses with a clear 400 rather than storing a monitor it never runs. */
export const UNSUPPORTED_MONITOR_TYPES = [] as const;

export type Operator = '>' | '<';
export type AlertStatus = 'OK' | 'WARNING' | 'CRITICAL' | 'UNKNOWN';

interface MonitorCommon {
  id: string;
  name: string;
  memo?: string;
  /** Minutes between re-notifications of an open alert; absent: notify once. */
  notificationInterval?: number;
  /** Alerts still open and close; nothing is sent. */
  isMute?: boolean;
}

interface Thresholds {
  operator: Operator;
  warning: number | null;
  critical: number | null;
}

export interface ConnectivityMonitor extends MonitorCommon {
  type: 'connectivity';
  scopes?: string[];
  excludeScopes?: string[];
  alertStatusOnGone?: 'CRITICAL' | 'WARNING';
}

export interface HostMetricMonitor extends MonitorCommon, Thresholds {
  type: 'host';
  metric: string;
  /** Minutes averaged. */
  duration: number;
  maxCheckAttempts?: number;
  scopes?: string[];
  excludeScopes?: string[];
}

export interface ServiceMetricMonitor extends MonitorCommon, Thresholds {
  type: 'service';
  service: string;
  metric: string;
  /** The last `duration` points are averaged. */
  duration: number;
  maxCheckAttempts?: number;
  missingDurationWarning?: number;
  missingDurationCritical?: number;
}

export interface HeaderField {
  name: string;
  value: string;
}

export interface ExternalMonitor extends MonitorCommon {
  type: 'external';
  url: string;
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  service?: string;
  responseTimeWarning?: number;
  responseTimeCritical?: number;
  responseTimeDuration?: number;
  containsString?: string;
  expectedStatusCode?: number;
  maxCheckAttempts?: number;
  certificationExpirationWarning?: number;
  certificationExpirationCritical?: number;
  skipCertificateVerification?: boolean;
  followRedirect?: boolean;
  headers?: HeaderField[];
  requestBody?: string;
}

export interface ExpressionMonitor extends MonitorCommon, Thresholds {
  type: 'expression';
  expression: string;
  evaluateBackwardMinutes?: number;
}

/** Role anomaly detection: each host of the scoped roles against its own past and its peers now. */
export interface AnomalyDetectionMonitor extends MonitorCommon {
  type: 'anomalyDetection';
  /** Role fullnames (`Service: role`). */
  scopes: string[];
  warningSensitivity?: Sensitivity;
  criticalSensitivity?: Sensitivity;
  maxCheckAttempts?: number;
  /** Epoch seconds: history before it is not learnt from. */
  trainingPeriodFrom?: number;
}

/**
 * A PromQL query over labeled metrics, evaluated every minute: each series of its result is a
 * target of its own (one alert per series), judged by the thresholds.
 */
export interface QueryMonitor extends MonitorCommon, Thresholds {
  type: 'query';
  query: string;
  /** Legend template (`{{label}}`) naming each series in alerts and graphs. */
  legend?: string;
  /** Minutes back the query is evaluated at, for late data to arrive first (0–10, default 0: now). */
  evaluateBackwardMinutes?: number;
}

/** Made on demand by the first report of a check name; listed under /monitoring/checks only. */
export interface CheckMonitor {
  type: 'check';
  id: string;
  name: string;
}

export type ApiMonitor =
  | ConnectivityMonitor
  | HostMetricMonitor
  | ServiceMetricMonitor
  | ExternalMonitor
  | ExpressionMonitor
  | AnomalyDetectionMonitor
  | QueryMonitor;
export type Monitor = ApiMonitor | CheckMonitor;
/** A monitor as a request describes it: no id yet (the union stays discriminated). */
export type NewMonitor = ApiMonitor extends infer M ? (M extends ApiMonitor ? Omit<M, 'id'> : never) : never;

export const isApiMonitor = (m: Monitor): m is ApiMonitor => m.type !== 'check';

/** Warning and critical thresholds against a value; the observed value is on the operator's left. */
export function thresholdStatus(value: number, t: Thresholds): AlertStatus {
  const breaches = (limit: number | null) =>
    limit !== null && (t.operator === '>' ? value > limit : value < limit);
  if (breaches(t.critical)) return 'CRITICAL';
  if (breaches(t.warning)) return 'WARNING';
  return 'OK';
}

/** A scope is `Service` or `Service:role` (Mackerel's docs write `Service: role`). */
function matchesScope(roles: HostRoles, scope: string): boolean {
  const [service = '', role] = scope.split(':').map((s) => s.trim());
  const held = roles[service];
  if (!held) return false;
  return role === undefined || held.includes(role);
}

/** Empty or absent scopes cover every host; an exclude scope always wins. */
export function hostInScope(
  roles: HostRoles,
  scopes: readonly string[] | undefined,
  excludeScopes: readonly string[] | undefined,
): boolean {
  if ((excludeScopes ?? []).some((s) => matchesScope(roles, s))) return false;
  return !scopes || scopes.length === 0 || scopes.some((s) => matchesScope(roles, s));
}

export const normalizeScope = (scope: string): string =>
  scope
    .split(':')
    .map((s) => s.trim())
    .join(':');

/** Mackerel's comparative pseudo-metrics, computed from the agent's own metrics. */
export const PSEUDO_METRICS = ['cpu%', 'memory%', 'disk%', 'swap%'] as const;
export type PseudoMetric = (typeof PSEUDO_METRICS)[number];
export const isPseudoMetric = (m: string): m is PseudoMetric => PSEUDO_METRICS.includes(m as PseudoMetric);

/** The name whose arrival makes a host metric monitor worth evaluating on ingest. */
export function triggerMetric(metric: string, posted: ReadonlySet<string>): boolean {
  switch (metric) {
    case 'cpu%':
      return posted.has('cpu.idle.percentage');
    case 'memory%':
      return posted.has('memory.used') || posted.has('memory.total');
    case 'swap%':
      return posted.has('memory.swap_total');
    case 'disk%':
      return [...posted].some((n) => n.startsWith('filesystem.') && n.endsWith('.used'));
    default:
      return posted.has(metric);
  }
}

/** A pseudo-metric's value from one minute's values of the agent's metrics (undefined without inputs). */
export function pseudoMetricValue(metric: PseudoMetric, values: Record<string, number>): number | undefined {
  switch (metric) {
    case 'cpu%': {
      const cpu = Object.entries(values).filter(([n]) => /^cpu\.[a-z_]+\.percentage$/.test(n));
      const total = cpu.reduce((s, [, v]) => s + v, 0);
      const idle = values['cpu.idle.percentage'];
      return idle === undefined || total <= 0 ? undefined : (100 * (total - idle)) / total;
    }
    case 'memory%': {
      const total = values['memory.total'];
      const used = values['memory.used'];
      return total && used !== undefined ? (100 * used) / total : undefined;
    }
    case 'swap%': {
      const total = values['memory.swap_total'];
      const free = values['memory.swap_free'];
      return total && free !== undefined ? (100 * (total - free)) / total : undefined;
    }
    case 'disk%': {
      let worst: number | undefined;
      for (const [name, used] of Object.entries(values)) {
        const m = /^filesystem\.(.+)\.used$/.exec(name);
        const size = m ? values[`filesystem.${m[1]}.size`] : undefined;
        if (size) worst = Math.max(worst ?? 0, (100 * used) / size);
      }
      return worst;
    }
  }
}

/** The metric names a pseudo-metric is computed from, as prefixes or exact names. */
export function pseudoMetricInputs(metric: PseudoMetric, names: readonly string[]): string[] {
  switch (metric) {
    case 'cpu%':
      return names.filter((n) => /^cpu\.[a-z_]+\.percentage$/.test(n));
    case 'memory%':
      return ['memory.total', 'memory.used'];
    case 'swap%':
      return ['memory.swap_total', 'memory.swap_free'];
    case 'disk%':
      return names.filter((n) => /^filesystem\..+\.(used|size)$/.test(n));
  }
}
