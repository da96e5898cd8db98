import type { HostRoles } from '../host.ts';

export const WEEKDAYS = [
  'Sunday',
  'Monday',
  'Tuesday',
  'Wednesday',
  'Thursday',
  'Friday',
  'Saturday',
] as const;
export type Weekday = (typeof WEEKDAYS)[number];
export const RECURRENCE_TYPES = ['hourly', 'daily', 'weekly', 'monthly', 'yearly'] as const;

export interface Downtime {
  id: string;
  name: string;
  memo?: string;
  /** Epoch seconds. */
  start: number;
  /** Minutes. */
  duration: number;
  recurrence?: {
    type: (typeof RECURRENCE_TYPES)[number];
    interval: number;
    weekdays?: Weekday[];
    until?: number;
  };
  serviceScopes?: string[];
  serviceExcludeScopes?: string[];
  roleScopes?: string[];
  roleExcludeScopes?: string[];
  monitorScopes?: string[];
  monitorExcludeScopes?: string[];
}

/** Start of the occurrence that began `k` periods after the first (UTC calendar arithmetic). */
function occurrenceStart(d: Downtime, k: number): number {
  const r = d.recurrence;
  if (!r) return d.start;
  const step = k * r.interval;
  const base = new Date(d.start * 1000);
  switch (r.type) {
    case 'hourly':
      return d.start + step * 3600;
    case 'daily':
    case 'weekly':
      return d.start + step * 86400;
    case 'monthly':
      return (
        Date.UTC(
          base.getUTCFullYear(),
          base.getUTCMonth() + step,
          base.getUTCDate(),
          base.getUTCHours(),
          base.getUTCMinutes(),
          base.getUTCSeconds(),
        ) / 1000
      );
    case 'yearly':
      return (
        Date.UTC(
          base.getUTCFullYear() + step,
          base.getUTCMonth(),
          base.getUTCDate(),
          base.getUTCHours(),
          base.getUTCMinutes(),
          base.getUTCSeconds(),
        ) / 1000
      );
  }
}

/**
 * Whether the downtime covers `at`: within `duration` minutes of an occurrence's start, the start not
 * after `until`. Weekly recurrences with weekdays start on each named day (UTC) of every
 * `interval`-th week; without weekdays, on the first start's weekday.
 */
export function isDowntimeActive(d: Downtime, at: number): boolean {
  const length = d.duration * 60;
  if (at < d.start) return false;
  const r = d.recurrence;
  if (!r) return at < d.start + length;
  const covers = (start: number) =>
    start <= at && at < start + length && (r.until === undefined || start <= r.until);
  if (r.type === 'weekly' && r.weekdays && r.weekdays.length > 0) {
    const days = new Set(r.weekdays.map((w) => WEEKDAYS.indexOf(w)));
    const today = Math.floor((at - d.start) / 86400);
    for (let n = today; n >= 0 && n >= today - Math.ceil(length / 86400) - 1; n--) {
      const start = d.start + n * 86400;
      const weekday = new Date(start * 1000).getUTCDay();
      if (days.has(weekday) && Math.floor(n / 7) % r.interval === 0 && covers(start)) return true;
    }
    return false;
  }
  /** The longest a period can be, so the first guess of k is never past `at`. */
  const longest = { hourly: 3600, daily: 86400, weekly: 7 * 86400, monthly: 31 * 86400, yearly: 366 * 86400 };
  let k = Math.max(0, Math.floor((at - d.start) / (longest[r.type] * r.interval)) - 1);
  for (; occurrenceStart(d, k) <= at; k++) if (covers(occurrenceStart(d, k))) return true;
  return false;
}

export interface DowntimeSubject {
  monitorId: string;
  /** The host's roles, or the service of a service/external monitor as `{service: []}`. */
  roles: HostRoles;
}

/** Scopes narrow a downtime; with none it covers every monitor. Excludes always win. */
export function downtimeCovers(d: Downtime, s: DowntimeSubject): boolean {
  const services = Object.keys(s.roles);
  const roles = Object.entries(s.roles).flatMap(([svc, rs]) => rs.map((r) => `${svc}:${r}`));
  if ((d.monitorExcludeScopes ?? []).includes(s.monitorId)) return false;
  if ((d.serviceExcludeScopes ?? []).some((x) => services.includes(x))) return false;
  if ((d.roleExcludeScopes ?? []).some((x) => roles.includes(x.replace(/:\s+/, ':')))) return false;
  const scoped =
    (d.monitorScopes?.length ?? 0) + (d.serviceScopes?.length ?? 0) + (d.roleScopes?.length ?? 0) > 0;
  if (!scoped) return true;
  return (
    (d.monitorScopes ?? []).includes(s.monitorId) ||
    (d.serviceScopes ?? []).some((x) => services.includes(x)) ||
    (d.roleScopes ?? []).some((x) => roles.includes(x.replace(/:\s+/, ':')))
  );
}
