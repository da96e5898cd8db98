import { type AlertState, transition } from '../../shared/domain/monitoring/alert-state.ts';
import { featureColumns, featuresOf } from '../../shared/domain/monitoring/anomaly/features.ts';
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
  /** A sensitivity, or a threshold tried. */
  sensitivity: string;
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
    const columns = Object.fromEntries(
      Object.entries(role.columns(h)).map(([name, c]) => [name, c.slice(fromMinute, toMinute)]),
    );
    return { hostId, values: featureColumns(columns, toMinute - fromMinute) };
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

/** How a role's minute is scored: saba's `scoreRole`, or a baseline with the same signature. */
export type Scorer = typeof scoreRole;

export interface Replayed {
  /** Each host's score at each scored minute (index: host, then minute − trainMinutes). */
  scores: Float32Array[];
  scoringMs: number;
  /** Of which turning posted values into features (what ingest does per post). */
  featuresMs: number;
  posts: number;
  /** Scores of host-minutes with no anomaly on the host (for calibration). */
  cleanScores: Float64Array;
  /** Each anomaly's highest score in its first 10 minutes. */
  anomalyPeaks: number[];
  /** The role's state after the last minute (its stored size is what the checker writes). */
  finalState: RoleScoreState;
}

/** Replays the scoring days through `scorer`, minute by minute, keeping every score. */
export function replay(
  role: GeneratedRole,
  models: ReadonlyMap<string, HostModel>,
  scorer: Scorer = scoreRole,
): Replayed {
  const scored = role.minutes - role.trainMinutes;
  const scores = role.hostIds.map(() => new Float32Array(scored));
  let roleState: RoleScoreState = {};
  let scoringMs = 0;
  let featuresMs = 0;
  let posts = 0;
  const clean: number[] = [];
  const peaks = new Map<InjectedAnomaly, number>();
  for (let i = role.trainMinutes; i < role.minutes; i++) {
    const now = role.start + i * 60;
    const values = role.hostIds.map((_, h) => role.values(h, i));
    const began = performance.now();
    const hosts = role.hostIds.map((hostId, h) => ({
      hostId,
      at: now,
      features: featuresOf(values[h] ?? {}),
    }));
    const featured = performance.now();
    const result = scorer(hosts, models, roleState, now);
    scoringMs += performance.now() - began;
    featuresMs += featured - began;
    posts += hosts.length;
    roleState = result.state;
    result.scores.forEach((s, h) => {
      (scores[h] as Float32Array)[i - role.trainMinutes] = s.score;
      const anomaly = role.anomalies.find(
        (a) => a.hostId === s.hostId && now >= a.start && now < a.end + AFTERGLOW_SECONDS,
      );
      if (!anomaly) clean.push(s.score);
      else if (now < anomaly.start + DETECT_WITHIN_SECONDS)
        peaks.set(anomaly, Math.max(peaks.get(anomaly) ?? 0, s.score));
    });
  }
  return {
    scores,
    scoringMs,
    featuresMs,
    posts,
    cleanScores: Float64Array.from(clean).sort(),
    anomalyPeaks: role.anomalies.map((a) => peaks.get(a) ?? 0),
    finalState: roleState,
  };
}

/** The alerts a threshold opens: the scores put through the alerting rule itself (`transition`). */
export function alertsAt(role: GeneratedRole, replayed: Replayed, threshold: number): OpenedAlert[] {
  const alerts: OpenedAlert[] = [];
  let ids = 0;
  role.hostIds.forEach((hostId, h) => {
    let state: AlertState | undefined;
    const target = { monitorId: 'bench', hostId };
    (replayed.scores[h] as Float32Array).forEach((score, m) => {
      const now = role.start + (role.trainMinutes + m) * 60;
      const next = transition(
        state,
        target,
        { status: score >= threshold ? 'WARNING' : 'OK' },
        {
          now,
          alertType: 'anomalyDetection',
          maxCheckAttempts: MAX_CHECK_ATTEMPTS,
          notify: true,
          newId: () => String(ids++),
          newAlertId: () => String(ids++),
        },
      );
      if (!next) return;
      state = next.idle ? undefined : next.next;
      if (next.effects.some((e) => e.kind === 'open')) alerts.push({ hostId, openedAt: now });
    });
  });
  return alerts.sort((a, b) => a.openedAt - b.openedAt);
}

/** Each sensitivity's alerts. */
export const alertsBySensitivity = (
  role: GeneratedRole,
  replayed: Replayed,
): Record<Sensitivity, OpenedAlert[]> =>
  Object.fromEntries(
    SENSITIVITIES.map((s) => [s, alertsAt(role, replayed, SENSITIVITY_THRESHOLDS[s])]),
  ) as Record<Sensitivity, OpenedAlert[]>;

/** Judges one sensitivity's alerts against the labels. */
export function judge(role: GeneratedRole, sensitivity: string, alerts: OpenedAlert[]): SensitivityResult {
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
