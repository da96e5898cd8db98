import { type Alert, timeOrderedId, toApiAlert } from '../../domain/monitoring/alert.ts';
import {
  type AlertGroup,
  type AlertGroupSetting,
  type AlertSubject,
  resendDue,
  settingCovers,
  withAlert,
  withoutAlert,
} from '../../domain/monitoring/alert-group.ts';
import type { AlertEffect } from '../../domain/monitoring/alert-state.ts';
import type { AlertGroupEvent } from '../../domain/monitoring/notification.ts';
import { NotFoundError } from '../../errors.ts';
import type { Deps } from '../../ports/deps.ts';
import { dispatchAlertGroupEvent } from '../notifications/dispatch.ts';

const TRIES = 8;
const NOT_FOUND = 'Alert Group Not Found.';

/** One alert event as the alert groups see it. */
export interface AlertChange {
  kind: AlertEffect['kind'];
  at: number;
  alert: Alert;
  /** Whether anyone is told of the alert (false for standby hosts, mutes, downtimes). */
  notify: boolean;
  subject: AlertSubject;
  /** For the group's notification: the organization and the alert in a line. */
  orgName: string;
  summary: NonNullable<AlertGroupEvent['alert']>;
}

/** The alert group view of an alert effect the engine settles (its event carries host and roles). */
export function changeOf(effect: AlertEffect): AlertChange {
  const e = effect.event;
  const roles = e?.host?.roles ?? [];
  const services = e?.host
    ? [...new Set(roles.map((r) => r.service))]
    : (e?.service ?? effect.alert.service) !== undefined
      ? [(e?.service ?? effect.alert.service) as string]
      : [];
  return {
    kind: effect.kind,
    at: effect.at,
    alert: effect.alert,
    notify: effect.notify,
    subject: {
      monitorId: effect.alert.monitorId,
      services,
      roles: roles.map((r) => `${r.service}:${r.role}`),
    },
    orgName: e?.orgName ?? '',
    summary: {
      id: effect.alert.id,
      status: effect.kind === 'close' ? 'OK' : effect.alert.status,
      monitorName: e?.monitor.name ?? effect.alert.monitorId,
      ...(e?.host && { hostName: e.host.name }),
      ...(e?.service !== undefined && { service: e.service }),
      ...(effect.alert.message !== undefined && { message: effect.alert.message }),
    },
  };
}

/**
 * Reads a setting's latest group, computes the next one, and writes it over the version read,
 * again on a concurrent write. `step` answers undefined when nothing changes (a replay).
 */
async function updateLatest(
  deps: Deps,
  orgId: string,
  settingId: string,
  step: (latest: AlertGroup | undefined) => AlertGroup | undefined,
): Promise<{ before?: AlertGroup; after?: AlertGroup; changed: boolean }> {
  for (let i = 0; i < TRIES; i++) {
    const latest = await deps.entities.alertGroups.latest.get(orgId, settingId);
    const before = latest?.group;
    const after = step(before);
    if (!after) return { ...(before && { before, after: before }), changed: false };
    const version = (latest?.version ?? 0) + 1;
    if (await deps.entities.alertGroups.latest.save(orgId, { id: settingId, version, group: after })) {
      await deps.entities.alertGroups.history.put(orgId, after);
      return { ...(before && { before }), after, changed: true };
    }
  }
  throw new Error(`alert group of setting ${settingId} kept changing under ${TRIES} attempts`);
}

async function send(
  deps: Deps,
  orgId: string,
  group: AlertGroup,
  setting: Pick<AlertGroupSetting, 'id' | 'name' | 'memo'>,
  kind: AlertGroupEvent['kind'],
  at: number,
  orgName: string,
  alert?: AlertGroupEvent['alert'],
): Promise<void> {
  const eventId = kind === 'renotify' ? `${group.id}#resend-${at}` : `${group.id}#${kind}`;
  const event: AlertGroupEvent = {
    orgName: orgName || ((await deps.entities.orgs.get(orgId))?.name ?? orgId),
    kind,
    at,
    group: {
      id: group.id,
      status: group.status,
      isOpen: group.isOpen,
      openedAt: group.openedAt,
      ...(group.closedAt !== undefined && { closedAt: group.closedAt }),
      openAlerts: Object.keys(group.openAlerts).length,
      alerts: group.alertIds.length,
    },
    setting: { id: setting.id, name: setting.name, ...(setting.memo && { memo: setting.memo }) },
    ...(alert && { alert }),
  };
  await dispatchAlertGroupEvent(
    deps,
    orgId,
    eventId,
    event,
    { monitorId: group.monitorId, services: group.services },
    group.peak === 'CRITICAL',
  );
}

/** An alert that opens: it joins the open group of every setting that gathers it, opening one if none is. */
async function join(deps: Deps, orgId: string, setting: AlertGroupSetting, c: AlertChange): Promise<void> {
  const id = c.alert.id;
  const { after, changed } = await updateLatest(deps, orgId, setting.id, (current) => {
    // It was in this group and left (a replay of its opening after its close): never again.
    if (current?.alertIds.includes(id) && !(id in current.openAlerts)) return undefined;
    if (current?.isOpen && current.openAlerts[id] === c.alert.status && (current.notifiedBy || !c.notify))
      return undefined;
    const base: AlertGroup = current?.isOpen
      ? current
      : {
          id: timeOrderedId(deps.clock.now()),
          settingId: setting.id,
          settingName: setting.name,
          status: c.alert.status,
          peak: c.alert.status,
          isOpen: true,
          openedAt: c.at,
          openAlerts: {},
          alertIds: [],
          monitorId: c.subject.monitorId,
          services: c.subject.services,
        };
    const next = withAlert(base, id, c.alert.status);
    return c.notify && next.notifiedBy === undefined
      ? { ...next, notifiedBy: id, lastNotifiedAt: c.at }
      : next;
  });
  // This alert's event is the one that tells of the group (again, on a replay: the queue drops copies).
  if (after?.isOpen && after.notifiedBy === id) {
    if (!changed) await deps.entities.alertGroups.history.put(orgId, after);
    await send(deps, orgId, after, setting, 'open', after.openedAt, c.orgName, c.summary);
  }
}

/** An alert that closes leaves its groups; the last to leave closes the group, and that is told. */
async function leave(deps: Deps, orgId: string, group: AlertGroup, c: AlertChange): Promise<void> {
  const id = c.alert.id;
  const { after, changed } = await updateLatest(deps, orgId, group.settingId, (current) =>
    current?.id === group.id && id in current.openAlerts ? withoutAlert(current, id, c.at) : undefined,
  );
  if (after && !after.isOpen && after.closedBy === id && after.notifiedBy !== undefined) {
    if (!changed) await deps.entities.alertGroups.history.put(orgId, after);
    const setting = { id: after.settingId, name: after.settingName };
    await send(deps, orgId, after, setting, 'close', after.closedAt ?? c.at, c.orgName, c.summary);
  }
}

/**
 * Carries one alert event into the alert groups: an opening alert joins (or opens) the group of
 * every setting that gathers it; a status change updates its groups; a close leaves them (closing
 * the group it was last in). Idempotent: a replayed event changes nothing and re-sends the same
 * notifications, which the notifier delivers once. Answers whether the alert is in a group, so its
 * own notification skips the channels that take alert groups.
 */
export async function groupAlertChange(deps: Deps, orgId: string, c: AlertChange): Promise<boolean> {
  const id = c.alert.id;
  if (c.kind === 'open') {
    const settings = (await deps.entities.alertGroupSettings.list(orgId)).filter((s) =>
      settingCovers(s, c.subject),
    );
    for (const s of settings) await join(deps, orgId, s, c);
    return settings.length > 0;
  }
  const latest = (await deps.entities.alertGroups.latest.list(orgId)).map((l) => l.group);
  const member = latest.filter((g) => g.alertIds.includes(id));
  if (c.kind === 'change')
    for (const g of member.filter((g) => g.isOpen && id in g.openAlerts))
      await updateLatest(deps, orgId, g.settingId, (current) =>
        current?.id === g.id && id in current.openAlerts && current.openAlerts[id] !== c.alert.status
          ? withAlert(current, id, c.alert.status)
          : undefined,
      );
  if (c.kind === 'close') for (const g of member) await leave(deps, orgId, g, c);
  return member.length > 0;
}

/** The checker's minute: open groups whose setting has a resend interval are sent again when due. */
export async function resendAlertGroups(deps: Deps, orgId: string): Promise<number> {
  const open = (await deps.entities.alertGroups.latest.list(orgId)).filter((l) => l.group.isOpen);
  if (open.length === 0) return 0;
  const settings = new Map((await deps.entities.alertGroupSettings.list(orgId)).map((s) => [s.id, s]));
  const now = Math.floor(deps.clock.now() / 1000);
  let sent = 0;
  for (const { group } of open) {
    const setting = settings.get(group.settingId);
    if (!setting || !resendDue(group, setting, now)) continue;
    const { changed, after } = await updateLatest(deps, orgId, setting.id, (current) =>
      current?.id === group.id && resendDue(current, setting, now)
        ? { ...current, lastNotifiedAt: now }
        : undefined,
    );
    if (!changed || !after) continue;
    await send(deps, orgId, after, setting, 'renotify', now, '');
    sent++;
  }
  return sent;
}

/** A deleted setting's open group closes with nothing sent: there is no setting left to speak for it. */
export async function closeGroupOfSetting(deps: Deps, orgId: string, settingId: string): Promise<void> {
  const now = Math.floor(deps.clock.now() / 1000);
  await updateLatest(deps, orgId, settingId, (current) =>
    current?.isOpen ? { ...current, isOpen: false, status: 'OK', openAlerts: {}, closedAt: now } : undefined,
  );
  const latest = await deps.entities.alertGroups.latest.get(orgId, settingId);
  if (latest) await deps.entities.alertGroups.latest.remove(orgId, settingId, latest.version);
}

/** saba's list for the console: groups newest first, open ones before closed ones. */
export async function listAlertGroups(deps: Deps, orgId: string, limit = 100): Promise<AlertGroup[]> {
  const all = await deps.entities.alertGroups.history.list(orgId);
  return all
    .sort((a, b) => Number(b.isOpen) - Number(a.isOpen) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
    .slice(0, limit);
}

/** One group with its alerts, newest first, in the API's alert shape. */
export async function getAlertGroup(
  deps: Deps,
  orgId: string,
  id: string,
): Promise<{ alertGroup: AlertGroup; alerts: Record<string, unknown>[] }> {
  const group = await deps.entities.alertGroups.history.get(orgId, id);
  if (!group) throw new NotFoundError(NOT_FOUND);
  const alerts = await deps.entities.alerts.getMany(orgId, group.alertIds);
  return {
    alertGroup: group,
    alerts: alerts.sort((a, b) => (a.id < b.id ? 1 : -1)).map(toApiAlert),
  };
}
