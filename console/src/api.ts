/**
 * The Mackerel API as the console calls it: the key from session storage in the X-Api-Key header
 * (never in a URL). A 401 or 403 signs out with the server's message.
 */
const KEY = 'saba.apiKey';

export class SignedOut extends Error {}

export const session = {
  key: (): string | null => sessionStorage.getItem(KEY),
  signIn: (key: string) => sessionStorage.setItem(KEY, key),
  signOut: () => sessionStorage.removeItem(KEY),
};

export async function api<T>(
  path: string,
  query: Record<string, string | number | string[]> = {},
  init: { method?: 'POST' | 'PUT' | 'DELETE'; body?: unknown } = {},
): Promise<T> {
  const key = session.key();
  if (!key) throw new SignedOut('Sign in with an API key.');
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) for (const one of [v].flat()) params.append(k, String(one));
  const qs = params.toString();
  const res = await fetch(`/api/v0${path}${qs ? `?${qs}` : ''}`, {
    method: init.method ?? 'GET',
    headers: { 'X-Api-Key': key, ...(init.body !== undefined && { 'Content-Type': 'application/json' }) },
    ...(init.body !== undefined && { body: JSON.stringify(init.body) }),
  });
  const body = (await res.json().catch(() => ({}))) as { error?: { message?: string } };
  // A refused read means the key is bad; a refused write may only mean a read-only key.
  if (res.status === 401 || (res.status === 403 && !init.method)) {
    session.signOut();
    throw new SignedOut(body.error?.message ?? 'That key was refused.');
  }
  if (!res.ok) throw new Error(body.error?.message ?? `HTTP ${res.status}`);
  return body as T;
}

/** A range query's series, as Prometheus's API answers it. */
export interface PromSeries {
  metric: Record<string, string>;
  values: [number, string][];
}

/** Prometheus's API (`/api/v1`), with the same key; its errors are `{"error": "…"}`. */
export async function prometheus<T>(path: string, query: Record<string, string | number> = {}): Promise<T> {
  const key = session.key();
  if (!key) throw new SignedOut('Sign in with an API key.');
  const params = new URLSearchParams(Object.entries(query).map(([k, v]): [string, string] => [k, String(v)]));
  const res = await fetch(`/api/v1${path}?${params}`, { headers: { 'X-Api-Key': key } });
  const body = (await res.json().catch(() => ({}))) as { data?: T; error?: string };
  if (res.status === 401 || res.status === 403) {
    session.signOut();
    throw new SignedOut(body.error ?? 'That key was refused.');
  }
  if (!res.ok || body.data === undefined) throw new Error(body.error ?? `HTTP ${res.status}`);
  return body.data;
}

export interface Host {
  id: string;
  name: string;
  displayName?: string;
  status: string;
  roles: Record<string, string[]>;
  memo?: string;
  meta?: Record<string, unknown>;
  isRetired?: boolean;
  createdAt?: number;
  retiredAt?: number;
  interfaces?: {
    name: string;
    ipAddress?: string;
    ipv4Addresses?: string[];
    ipv6Addresses?: string[];
    macAddress?: string;
  }[];
}
export interface Point {
  time: number;
  value: number;
}
export interface Annotation {
  id: string;
  title: string;
  description?: string;
  from: number;
  to: number;
  service: string;
  roles?: string[];
}
export interface Alert {
  id: string;
  status: string;
  monitorId: string;
  type: string;
  hostId?: string;
  value?: number;
  message?: string;
  reason?: string;
  memo?: string;
  openedAt: number;
  closedAt?: number;
}
/** saba's alert group (GET /alert-groups): alerts an alert group setting gathered. */
export interface AlertGroup {
  id: string;
  settingId: string;
  settingName: string;
  status: string;
  isOpen: boolean;
  openedAt: number;
  closedAt?: number;
  openAlerts: Record<string, string>;
  alertIds: string[];
}
/** What drove a host's anomaly score (saba's role anomalies read). */
export interface AnomalyDriver {
  feature: string;
  label: string;
  value: string;
  expected: string;
  score: number;
}
export interface RoleAnomalies {
  monitor: { id: string; name: string };
  threshold: number;
  at: number | null;
  hosts: {
    hostId: string;
    score: number;
    odd: boolean;
    drivers: AnomalyDriver[];
    peersOnly: boolean;
    flatMinutes: number;
  }[];
}
export interface Monitor {
  id: string;
  name: string;
  type: string;
  warningSensitivity?: string;
  criticalSensitivity?: string;
  scopes?: string[];
  metric?: string;
  operator?: string;
  warning?: number | null;
  critical?: number | null;
  service?: string;
  isMute?: boolean;
  memo?: string;
}
export interface Channel {
  id: string;
  name: string;
  type: string;
  url?: string;
  emails?: string[];
  userIds?: string[];
  mentions?: Record<string, string>;
  enabledGraphImage?: boolean;
  events?: string[];
  suspendedAt?: number | null;
  lastDelivery?: { at: number; ok: boolean; detail: string };
}

export interface GraphDef {
  name: string;
  displayName?: string;
  unit: string;
  metrics: { name: string; displayName?: string; isStacked: boolean }[];
}
