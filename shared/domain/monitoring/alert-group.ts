import type { AlertStatus } from './monitor.ts';

/** Mackerel's alert group setting: which alerts are gathered into one group, and how often it is resent. */
export interface AlertGroupSetting {
  id: string;
  name: string;
  memo?: string;
  /** Service names. */
  serviceScopes?: string[];
  /** Role fullnames, `service:role`. */
  roleScopes?: string[];
  /** Monitor ids. */
  monitorScopes?: string[];
  /** Minutes between notifications of a group still open; absent or 0: sent on open and close only. */
  notificationInterval?: number;
}

/** What an alert is about, as an alert group setting's scopes see it. */
export interface AlertSubject {
  monitorId: string;
  services: string[];
  /** Role fullnames, `service:role`. */
  roles: string[];
}

/**
 * Whether a setting gathers an alert. Service and role scopes are alternatives (the alert's host is
 * in one of the services or roles, or its service is named); monitor scopes narrow that further
 * (an AND, as Mackerel documents). A setting with no scope at all gathers every alert.
 */
export function settingCovers(setting: AlertGroupSetting, subject: AlertSubject): boolean {
  const services = setting.serviceScopes ?? [];
  const roles = setting.roleScopes ?? [];
  const monitors = setting.monitorScopes ?? [];
  const inPlace =
    (services.length === 0 && roles.length === 0) ||
    services.some((s) => subject.services.includes(s)) ||
    roles.some((r) => subject.roles.includes(normalRole(r)));
  const byMonitor = monitors.length === 0 || monitors.includes(subject.monitorId);
  return inPlace && byMonitor;
}

/** `service: role` and `service:role` name the same role. */
const normalRole = (fullname: string) =>
  fullname
    .split(':')
    .map((part) => part.trim())
    .join(':');

/** At most this many alert ids are kept on a group (its open alerts are always kept). */
export const GROUP_ALERTS_KEPT = 500;

/**
 * An alert group: opened by the first alert its setting gathers while none is open, closed when the
 * last of its alerts closes. A setting's latest group, open or closed, is stored under the setting's
 * id (LatestAlertGroup); every group as it last was is also kept under its own id.
 */
export interface AlertGroup {
  id: string;
  settingId: string;
  settingName: string;
  /** The worst status of its open alerts; `OK` once closed. */
  status: AlertStatus;
  isOpen: boolean;
  /** Epoch seconds. */
  openedAt: number;
  closedAt?: number;
  /** The open alerts and their statuses. */
  openAlerts: Record<string, AlertStatus>;
  /** Every alert that was in the group, oldest first (capped at GROUP_ALERTS_KEPT). */
  alertIds: string[];
  /** Routing for the group's notifications: the monitor and services of the alert that opened it. */
  monitorId: string;
  services: string[];
  /** The worst status it had while open: its close goes where a critical group's opening went. */
  peak: AlertStatus;
  /**
   * The alert whose event sent the group's opening (absent while only alerts nobody is told of, a
   * standby host's, are in it), so a replay of that event sends the same notification again.
   */
  notifiedBy?: string;
  /** The alert whose leaving closed it, likewise. */
  closedBy?: string;
  /** Epoch seconds of the last notification (open or resend). */
  lastNotifiedAt?: number;
}

/** A setting's latest group, stored under the setting's id and written over the version read. */
export interface LatestAlertGroup {
  /** The setting's id. */
  id: string;
  version: number;
  group: AlertGroup;
}

const RANK: Record<AlertStatus, number> = { OK: 0, UNKNOWN: 1, WARNING: 2, CRITICAL: 3 };

/** The worst of the statuses, OK when there are none. */
export function worstStatus(statuses: AlertStatus[]): AlertStatus {
  return statuses.reduce<AlertStatus>((w, s) => (RANK[s] > RANK[w] ? s : w), 'OK');
}

/** The group with `alertId` in it at `status` (a new member, or one whose status changed). */
export function withAlert(group: AlertGroup, alertId: string, status: AlertStatus): AlertGroup {
  const openAlerts = { ...group.openAlerts, [alertId]: status };
  const alertIds = group.alertIds.includes(alertId) ? group.alertIds : [...group.alertIds, alertId];
  const kept = alertIds.length > GROUP_ALERTS_KEPT ? trimmed(alertIds, openAlerts) : alertIds;
  const worst = worstStatus(Object.values(openAlerts));
  return { ...group, openAlerts, alertIds: kept, status: worst, peak: worstStatus([group.peak, worst]) };
}

/** Drops the oldest closed alerts beyond the cap. */
function trimmed(alertIds: string[], open: Record<string, AlertStatus>): string[] {
  let excess = alertIds.length - GROUP_ALERTS_KEPT;
  return alertIds.filter((id) => id in open || excess-- <= 0);
}

/** The group after `alertId` closed: closed itself when that was its last open alert. */
export function withoutAlert(group: AlertGroup, alertId: string, at: number): AlertGroup {
  const { [alertId]: _, ...openAlerts } = group.openAlerts;
  const statuses = Object.values(openAlerts);
  if (statuses.length > 0) return { ...group, openAlerts, status: worstStatus(statuses) };
  return { ...group, openAlerts, status: 'OK', isOpen: false, closedAt: at, closedBy: alertId };
}

/** When an open group with a resend interval is due to be sent again. */
export function resendDue(group: AlertGroup, setting: AlertGroupSetting, now: number): boolean {
  const minutes = setting.notificationInterval ?? 0;
  if (!group.isOpen || group.notifiedBy === undefined || minutes <= 0) return false;
  return now - (group.lastNotifiedAt ?? group.openedAt) >= minutes * 60;
}
