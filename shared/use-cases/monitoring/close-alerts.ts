import { type Alert, type AlertTrigger, timeOrderedId } from '../../domain/monitoring/alert.ts';
import { type AlertState, closingEffect, stateKey } from '../../domain/monitoring/alert-state.ts';
import { NotFoundError } from '../../errors.ts';
import type { Deps } from '../../ports/deps.ts';
import { groupAlertChange } from './alert-groups.ts';

const now = (deps: Deps) => Math.floor(deps.clock.now() / 1000);

/** Closes one alert from outside monitoring (its log says why); closing a closed alert changes nothing. */
async function closeAlert(
  deps: Deps,
  orgId: string,
  alert: Alert,
  trigger: AlertTrigger,
  reason: string,
): Promise<Alert> {
  if (!alert.isOpen) return alert;
  const effect = closingEffect(alert, trigger, reason, now(deps), timeOrderedId(deps.clock.now()));
  await deps.entities.alerts.update(orgId, effect.alert);
  await deps.entities.alertLogs.put(orgId, alert.id, {
    id: effect.id,
    createdAt: effect.at,
    status: 'OK',
    trigger,
    monitorId: trigger === 'monitorDelete' ? null : alert.monitorId,
    targetValue: null,
  });
  await groupAlertChange(deps, orgId, {
    kind: 'close',
    at: effect.at,
    alert: effect.alert,
    notify: false,
    subject: { monitorId: alert.monitorId, services: [], roles: [] },
    orgName: '',
    summary: {
      id: alert.id,
      status: 'OK',
      monitorName: (await deps.entities.monitors.get(orgId, alert.monitorId))?.name ?? alert.monitorId,
      message: reason,
    },
  });
  return effect.alert;
}

/** Forgets a state, unless it moved on to another alert meanwhile (then that one stands). */
async function forgetState(
  deps: Deps,
  orgId: string,
  key: string,
  alertId: string | undefined,
): Promise<void> {
  for (let i = 0; i < 5; i++) {
    const state = (await deps.entities.alertStates.getMany(orgId, [key])).get(key);
    if (!state || (alertId !== undefined && state.alertId !== undefined && state.alertId !== alertId)) return;
    await deps.entities.alertStates.remove(orgId, key, state.version);
    if (!(await deps.entities.alertStates.getMany(orgId, [key])).has(key)) return;
  }
}

/** `POST /alerts/<id>/close`: the alert closes; if its condition persists, monitoring opens a new one. */
export async function closeAlertManually(
  deps: Deps,
  orgId: string,
  alertId: string,
  reason: string,
): Promise<Alert> {
  const alert = await deps.entities.alerts.get(orgId, alertId);
  if (!alert) throw new NotFoundError('Alert Not Found.');
  const closed = await closeAlert(deps, orgId, alert, 'manual', reason);
  const key = stateKey({
    monitorId: alert.monitorId,
    ...(alert.hostId !== undefined
      ? { hostId: alert.hostId }
      : alert.service !== undefined
        ? { service: alert.service }
        : {}),
  });
  await forgetState(deps, orgId, key, alert.id);
  return closed;
}

/**
 * Closes the alerts of every state that `matches` (a retired host's, a deleted monitor's) and
 * forgets those states, so nothing about them is evaluated or sent again.
 */
export async function closeAlertsWhere(
  deps: Deps,
  orgId: string,
  matches: (s: AlertState) => boolean,
  trigger: AlertTrigger,
  reason: string,
): Promise<number> {
  const states = (await deps.entities.alertStates.list(orgId)).filter(matches);
  let closed = 0;
  for (const s of states) {
    const alert = s.alertId ? await deps.entities.alerts.get(orgId, s.alertId) : undefined;
    if (alert?.isOpen) {
      await closeAlert(deps, orgId, alert, trigger, reason);
      closed++;
    }
    await forgetState(deps, orgId, `${s.monitorId}#${s.target}`, s.alertId);
  }
  return closed;
}

export const closeHostAlerts = (deps: Deps, orgId: string, hostIds: string[]) =>
  closeAlertsWhere(
    deps,
    orgId,
    (s) => s.hostId !== undefined && hostIds.includes(s.hostId),
    'hostRetire',
    'Host retired',
  );

export const closeMonitorAlerts = (deps: Deps, orgId: string, monitorId: string) =>
  closeAlertsWhere(deps, orgId, (s) => s.monitorId === monitorId, 'monitorDelete', 'Monitor deleted');
