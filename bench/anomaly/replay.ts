import { type AlertState, transition } from '../../shared/domain/monitoring/alert-state.ts';
import { FEATURES, featuresOf } from '../../shared/domain/monitoring/anomaly/features.ts';
import {
  type HostModel,
  type TrainingSeries,
  trainRole,
} from '../../shared/domain/monitoring/anomaly/model.ts';
import { type RoleScoreState, scoreRole } from '../../shared/domain/monitoring/anomaly/score.ts';
import {
  SENSITIVITIES,
  SENSITIVITY_THRESHOLDS,
  type Sensitivity,
} from '../../shared/domain/monitoring/anomaly/sensitivity.ts';
import type { GeneratedRole, InjectedAnomaly } from './generate.ts';

/**
 * Plays a generated role through the model as saba runs it: trained on the training days, then
 * scored minute by minute, each sensitivity's verdicts put through the alerting rule itself
 * (`transition`, maxCheckAttempts 3), and the alerts judged against the labels.
 */

export const MAX_CHECK_ATTEMPTS = 3;
/** An alert opened this long after an anomaly's end still belongs to it (a slow recovery). */
const AFTERGLOW_SECONDS = 30 * 60;
/** A detection counts when the alert opens within this time of the anomaly's start. */
export const DETECT_WITHIN_SECONDS = 10 * 60;

export interface OpenedAlert {
  hostId: string;
  openedAt: number;
  message?: string;
}

export interface SensitivityResult {
  sensitivity: Sensitivity;
  alerts: number;
  detected: number;
  detectedInTime: number;
  anomalies: number;
  falseAlerts: number;
  roleEventAlerts: number;
  /** Seconds from each detected anomaly's start to its alert. */
  delays: number[];
  /** Per kind: anomalies and those alerted within the window. */
  byKind: Record<string, { anomalies: number; inTime: number }>;
  hostDays: number;
}

export function trainingSeries(role: GeneratedRole, fromMinute: number, toMinute: number): TrainingSeries[] {
  return role.hostIds.map((hostId, h) => {
    const values = Object.fromEntries(
      FEATURES.map((f) => [f, new Float64Array(toMinute - fromMinute).fill(Number.NaN)]),
    );
    for (let i = fromMinute; i < toMinute; i++) {
      const features = featuresOf(role.values(h, i));
      for (const [f, v] of Object.entries(features))
        (values[f] as Float64Array)[i - fromMinute] = v as number;
    }
    return { hostId, values };
  });
}

export function train(role: GeneratedRole): Map<string, HostModel> {
  const models = trainRole({
    from: role.start,
    minutes: role.trainMinutes,
    hosts: trainingSeries(role, 0, role.trainMinutes),
    trainedAt: role.start + role.trainMinutes * 60,
  });
  return new Map(models.map((m) => [m.hostId, m]));
}

/** Replays the scoring days; returns the alerts each sensitivity opens, and the time spent scoring. */
export function replay(
  role: GeneratedRole,
  models: ReadonlyMap<string, HostModel>,
): { alerts: Record<Sensitivity, OpenedAlert[]>; scoringMs: number; posts: number } {
  const alerts = Object.fromEntries(SENSITIVITIES.map((s) => [s, [] as OpenedAlert[]])) as Record<
    Sensitivity,
    OpenedAlert[]
  >;
  const states = new Map<string, AlertState | undefined>();
  let roleState: RoleScoreState = {};
  let scoringMs = 0;
  let posts = 0;
  let ids = 0;
  for (let i = role.trainMinutes; i < role.minutes; i++) {
    const now = role.start + i * 60;
    const began = performance.now();
    const hosts = role.hostIds.map((hostId, h) => ({
      hostId,
      at: now,
      features: featuresOf(role.values(h, i)),
    }));
    const { scores, state } = scoreRole(hosts, models, roleState, now);
    scoringMs += performance.now() - began;
    posts += hosts.length;
    roleState = state;
    for (const s of scores) {
      for (const sensitivity of SENSITIVITIES) {
        const key = `${sensitivity}#${s.hostId}`;
        const target = { monitorId: sensitivity, hostId: s.hostId };
        const next = transition(
          states.get(key),
          target,
          { status: s.score >= SENSITIVITY_THRESHOLDS[sensitivity] ? 'WARNING' : 'OK' },
          {
            now,
            alertType: 'anomalyDetection',
            maxCheckAttempts: MAX_CHECK_ATTEMPTS,
            notify: true,
            newId: () => String(ids++),
            newAlertId: () => String(ids++),
          },
        );
        if (!next) continue;
        states.set(key, next.idle ? undefined : next.next);
        if (next.effects.some((e) => e.kind === 'open'))
          alerts[sensitivity].push({
            hostId: s.hostId,
            openedAt: now,
            message: s.drivers.map((d) => d.feature).join(','),
          });
      }
    }
  }
  return { alerts, scoringMs, posts };
}

/** Judges one sensitivity's alerts against the labels. */
export function judge(
  role: GeneratedRole,
  sensitivity: Sensitivity,
  alerts: OpenedAlert[],
): SensitivityResult {
  const hits = new Set<InjectedAnomaly>();
  const delays: number[] = [];
  let falseAlerts = 0;
  let roleEventAlerts = 0;
  for (const alert of alerts) {
    const anomaly = role.anomalies.find(
      (a) =>
        a.hostId === alert.hostId && alert.openedAt >= a.start && alert.openedAt < a.end + AFTERGLOW_SECONDS,
    );
    if (anomaly) {
      if (!hits.has(anomaly)) delays.push(alert.openedAt - anomaly.start);
      hits.add(anomaly);
      continue;
    }
    falseAlerts++;
    if (role.events.some((e) => alert.openedAt >= e.start && alert.openedAt < e.end + AFTERGLOW_SECONDS))
      roleEventAlerts++;
  }
  const inTime = (a: InjectedAnomaly) =>
    alerts.some(
      (x) => x.hostId === a.hostId && x.openedAt >= a.start && x.openedAt <= a.start + DETECT_WITHIN_SECONDS,
    );
  const byKind: SensitivityResult['byKind'] = {};
  for (const a of role.anomalies) {
    byKind[a.kind] ??= { anomalies: 0, inTime: 0 };
    const k = byKind[a.kind] as { anomalies: number; inTime: number };
    k.anomalies++;
    if (inTime(a)) k.inTime++;
  }
  return {
    sensitivity,
    alerts: alerts.length,
    detected: hits.size,
    detectedInTime: role.anomalies.filter(inTime).length,
    anomalies: role.anomalies.length,
    falseAlerts,
    roleEventAlerts,
    delays,
    byKind,
    hostDays: (role.hostIds.length * (role.minutes - role.trainMinutes)) / 1440,
  };
}
