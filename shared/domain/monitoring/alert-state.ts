import type { Alert, AlertSeries, AlertTrigger, AlertType } from './alert.ts';
import type { AlertStatus } from './monitor.ts';
import type { AlertEvent, EventKind } from './notification.ts';

/**
 * What one monitor knows of one target (a host, a service, or the monitor itself): consecutive
 * non-OK results and the open alert. The item exists only while the target is not OK, so a healthy
 * fleet costs no writes. `pending` holds the effects of the last transition until they are done:
 * a crash between the state write and its effects is finished by whoever reads the state next.
 */
export interface AlertState {
  monitorId: string;
  /** `host:<id>`, `service:<name>` or `monitor`. */
  target: string;
  hostId?: string;
  service?: string;
  /** A query monitor's series (its key is the target's aspect). */
  series?: AlertSeries;
  status: AlertStatus;
  attempts: number;
  alertId?: string;
  openedAt?: number;
  lastNotifiedAt?: number;
  /** Check reports: the newest `occurredAt` taken (older and repeated reports are ignored). */
  lastOccurredAt?: number;
  message?: string;
  value?: number;
  version: number;
  pending: AlertEffect[];
}

export type EffectKind = EventKind;

/** One alert event: the alert as it is after the event, and whether anyone is told. */
export interface AlertEffect {
  /** Event id: the alert log's id and the notification's deduplication key. */
  id: string;
  kind: EffectKind;
  at: number;
  trigger: AlertTrigger;
  alert: Alert;
  notify: boolean;
  /** The message material, attached by the engine before the state is written. */
  event?: AlertEvent;
}

export interface Observation {
  status: AlertStatus;
  value?: number;
  message?: string;
  /** Check reports only. */
  occurredAt?: number;
}

export interface TransitionPolicy {
  now: number;
  alertType: AlertType;
  maxCheckAttempts: number;
  notificationInterval?: number;
  /** False for standby hosts, muted monitors and downtimes: the alert opens, nobody is told. */
  notify: boolean;
  newId: () => string;
  newAlertId: () => string;
}

/**
 * What a monitor watches; `aspect` tells apart two conditions of one target (a service's missing
 * data) or a query monitor's series; `series` names that series (not part of the key).
 */
export type Target = {
  monitorId: string;
  hostId?: string;
  service?: string;
  aspect?: string;
  series?: AlertSeries;
};

export const targetKey = (t: Target): string =>
  (t.hostId !== undefined
    ? `host:${t.hostId}`
    : t.service !== undefined
      ? `service:${t.service}`
      : 'monitor') + (t.aspect ? `/${t.aspect}` : '');

export const stateKey = (t: Target): string => `${t.monitorId}#${targetKey(t)}`;

export interface Transition {
  /** The state to store; `idle` means it is to be removed once its effects are done. */
  next: AlertState;
  idle: boolean;
  effects: AlertEffect[];
}

function idleState(target: Target): AlertState {
  return {
    monitorId: target.monitorId,
    target: targetKey(target),
    ...(target.hostId !== undefined && { hostId: target.hostId }),
    ...(target.service !== undefined && { service: target.service }),
    ...(target.series !== undefined && { series: target.series }),
    status: 'OK',
    attempts: 0,
    version: 0,
    pending: [],
  };
}

const withoutAlert = (s: AlertState): AlertState => {
  const { alertId: _a, openedAt: _o, lastNotifiedAt: _l, message: _m, value: _v, ...rest } = s;
  return rest;
};

/**
 * The one rule of alerting, pure: consecutive non-OK results up to `maxCheckAttempts` open an alert;
 * a different non-OK status changes it; the same status re-notifies every `notificationInterval`
 * minutes; OK closes it. Returns undefined when nothing changes (no write at all).
 */
export function transition(
  previous: AlertState | undefined,
  target: Target,
  obs: Observation,
  policy: TransitionPolicy,
): Transition | undefined {
  const prev = previous ?? idleState(target);
  if (
    obs.occurredAt !== undefined &&
    prev.lastOccurredAt !== undefined &&
    obs.occurredAt <= prev.lastOccurredAt
  )
    return undefined;
  const seen = obs.occurredAt !== undefined ? { lastOccurredAt: obs.occurredAt } : {};
  const { now } = policy;
  const effect = (kind: EffectKind, alert: Alert): AlertEffect => ({
    id: policy.newId(),
    kind,
    at: now,
    trigger: 'monitoring',
    alert,
    notify: policy.notify,
  });
  const details = {
    ...(obs.value !== undefined && { value: obs.value }),
    ...(obs.message !== undefined && { message: obs.message }),
  };

  if (obs.status === 'OK') {
    if (prev.alertId === undefined) {
      if (previous === undefined) return undefined;
      return { next: { ...withoutAlert(prev), ...seen, status: 'OK', attempts: 0 }, idle: true, effects: [] };
    }
    const closed = alertOf(prev, target, policy, { status: 'OK', ...details });
    const alert: Alert = { ...closed, isOpen: false, closedAt: now, reason: 'Recovered' };
    return {
      next: { ...withoutAlert(prev), ...seen, status: 'OK', attempts: 0 },
      idle: true,
      effects: [effect('close', alert)],
    };
  }

  const attempts = Math.min(prev.attempts + 1, policy.maxCheckAttempts);
  if (prev.alertId === undefined) {
    if (attempts < policy.maxCheckAttempts) {
      return {
        next: { ...prev, ...seen, status: obs.status, attempts, ...details },
        idle: false,
        effects: [],
      };
    }
    const opened: AlertState = {
      ...prev,
      ...seen,
      status: obs.status,
      attempts,
      alertId: policy.newAlertId(),
      openedAt: now,
      lastNotifiedAt: now,
      ...details,
    };
    return { next: opened, idle: false, effects: [effect('open', alertOf(opened, target, policy, {}))] };
  }
  if (obs.status !== prev.status) {
    const changed: AlertState = {
      ...prev,
      ...seen,
      status: obs.status,
      attempts,
      lastNotifiedAt: now,
      ...details,
    };
    return { next: changed, idle: false, effects: [effect('change', alertOf(changed, target, policy, {}))] };
  }
  const interval = policy.notificationInterval;
  if (interval !== undefined && now - (prev.lastNotifiedAt ?? 0) >= interval * 60) {
    const again: AlertState = { ...prev, ...seen, attempts, lastNotifiedAt: now, ...details };
    return { next: again, idle: false, effects: [effect('renotify', alertOf(again, target, policy, {}))] };
  }
  if (obs.occurredAt !== undefined)
    return { next: { ...prev, ...seen, attempts, ...details }, idle: false, effects: [] };
  return undefined;
}

function alertOf(s: AlertState, target: Target, policy: TransitionPolicy, override: Partial<Alert>): Alert {
  return {
    id: s.alertId as string,
    status: s.status,
    monitorId: target.monitorId,
    type: policy.alertType,
    ...(target.hostId !== undefined && { hostId: target.hostId }),
    ...(target.service !== undefined && { service: target.service }),
    ...((target.series ?? s.series) !== undefined && { series: target.series ?? s.series }),
    ...(s.value !== undefined && { value: s.value }),
    ...(s.message !== undefined && { message: s.message }),
    openedAt: s.openedAt as number,
    isOpen: true,
    ...override,
  };
}

/** Closing from outside monitoring (retire, monitor deletion, manual close): an effect without a state. */
export function closingEffect(
  alert: Alert,
  trigger: AlertTrigger,
  reason: string,
  now: number,
  id: string,
): AlertEffect {
  return {
    id,
    kind: 'close',
    at: now,
    trigger,
    alert: { ...alert, status: 'OK', isOpen: false, closedAt: now, reason },
    notify: false,
  };
}
