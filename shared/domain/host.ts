import { parseRoleFullname, type RoleRef } from './names.ts';

export const HOST_STATUSES = ['working', 'standby', 'maintenance', 'poweroff'] as const;
export type HostStatus = (typeof HOST_STATUSES)[number];

export const isHostStatus = (s: unknown): s is HostStatus => HOST_STATUSES.includes(s as HostStatus);

/** Roles as Mackerel returns them: `{ service: [role, ...] }`. */
export type HostRoles = Record<string, string[]>;

export interface HostCheck {
  name: string;
  memo?: string;
}

export interface Host {
  orgId: string;
  id: string;
  name: string;
  displayName?: string;
  customIdentifier?: string;
  memo: string;
  status: HostStatus;
  size: 'standard' | 'micro';
  isRetired: boolean;
  retiredAt?: number;
  /** Epoch seconds (client-go decodes it as int32). */
  createdAt: number;
  roles: HostRoles;
  /** Stored and echoed verbatim: kernel and memory values must stay strings. */
  meta: Record<string, unknown>;
  interfaces: unknown[];
  checks: HostCheck[];
  /**
   * Made by a cloud integration, and no agent has taken it over yet: nothing posts for it every
   * minute, so connectivity monitoring does not apply. An agent's update of the host clears it.
   */
  agentless?: true;
  /** Optimistic-concurrency counter for conditional writes. */
  version: number;
}

/** A host without its spec (meta, interfaces, checks): what monitoring reads of every host each minute. */
export type HostSummary = Pick<
  Host,
  'id' | 'name' | 'displayName' | 'status' | 'isRetired' | 'createdAt' | 'roles' | 'memo' | 'agentless'
>;

export const summaryOf = (h: Host): HostSummary => ({
  id: h.id,
  name: h.name,
  ...(h.displayName && { displayName: h.displayName }),
  status: h.status,
  isRetired: h.isRetired,
  createdAt: h.createdAt,
  roles: h.roles,
  memo: h.memo,
  ...(h.agentless && { agentless: true }),
});

/** How people know a host: its display name where the agent or a user set one, as Mackerel shows it. */
export const hostLabel = (h: { name: string; displayName?: string | undefined }): string =>
  h.displayName || h.name;

export function addRoles(roles: HostRoles, refs: RoleRef[]): HostRoles {
  const next: HostRoles = structuredClone(roles);
  for (const { service, role } of refs) {
    const list = next[service] ?? [];
    if (!list.includes(role)) list.push(role);
    next[service] = list.sort();
  }
  return next;
}

export function rolesFrom(refs: RoleRef[]): HostRoles {
  return addRoles({}, refs);
}

export function roleRefsOf(fullnames: readonly string[] | null | undefined): RoleRef[] {
  return (fullnames ?? []).map(parseRoleFullname);
}

export function withoutService(roles: HostRoles, service: string): HostRoles {
  const { [service]: _gone, ...rest } = roles;
  return rest;
}

export function withoutRole(roles: HostRoles, { service, role }: RoleRef): HostRoles {
  const list = (roles[service] ?? []).filter((r) => r !== role);
  const rest = withoutService(roles, service);
  return list.length > 0 ? { ...rest, [service]: list } : rest;
}

/**
 * The agent sends only `ipv4Addresses`/`ipv6Addresses`; Mackerel's host objects also carry the first
 * of each as `ipAddress`/`ipv6Address`, which client-go's `IPAddresses()` (and so `mkr`) reads.
 */
function withSingleAddresses(iface: unknown): unknown {
  if (typeof iface !== 'object' || iface === null || Array.isArray(iface)) return iface;
  const i = iface as Record<string, unknown>;
  const first = (list: unknown) => (Array.isArray(list) && typeof list[0] === 'string' ? list[0] : undefined);
  const v4 = i.ipAddress ?? first(i.ipv4Addresses);
  const v6 = i.ipv6Address ?? first(i.ipv6Addresses);
  return { ...i, ...(v4 !== undefined && { ipAddress: v4 }), ...(v6 !== undefined && { ipv6Address: v6 }) };
}

/** The host object of the API (`GET /api/v0/hosts/<id>`). */
export function toApiHost(host: Host): Record<string, unknown> {
  return {
    id: host.id,
    name: host.name,
    ...(host.displayName !== undefined && { displayName: host.displayName }),
    ...(host.customIdentifier !== undefined && { customIdentifier: host.customIdentifier }),
    size: host.size,
    status: host.status,
    memo: host.memo,
    isRetired: host.isRetired,
    ...(host.retiredAt !== undefined && { retiredAt: host.retiredAt }),
    createdAt: host.createdAt,
    roles: host.roles,
    roleFullnames: Object.entries(host.roles).flatMap(([svc, rs]) => rs.map((r) => `${svc}:${r}`)),
    meta: host.meta,
    interfaces: host.interfaces.map(withSingleAddresses),
    checks: host.checks.map((c) => ({ name: c.name, ...(c.memo && { memo: c.memo }) })),
  };
}
