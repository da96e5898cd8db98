import type { Host, HostStatus } from '../../domain/host.ts';
import { NotFoundError } from '../../errors.ts';
import type { Deps } from '../../ports/deps.ts';
import { getHost } from './get-host.ts';

export interface HostFilter {
  service?: string;
  /** Union of roles; only applies together with `service`. */
  roles: string[];
  name?: string;
  /** Empty means the default: working and standby. */
  statuses: HostStatus[];
  customIdentifier?: string;
}

const DEFAULT_STATUSES: HostStatus[] = ['working', 'standby'];

function matches(host: Host, f: HostFilter, statuses: HostStatus[]): boolean {
  if (host.isRetired || !statuses.includes(host.status)) return false;
  if (f.name !== undefined && host.name !== f.name) return false;
  if (f.customIdentifier !== undefined && host.customIdentifier !== f.customIdentifier) return false;
  if (f.service !== undefined) {
    const roles = host.roles[f.service];
    if (!roles) return false;
    if (f.roles.length > 0 && !roles.some((r) => f.roles.includes(r))) return false;
  }
  return true;
}

/** Candidates from the role index (one partition), instead of every host of the organization. */
async function hostsOfService(deps: Deps, orgId: string, service: string, roles: string[]): Promise<Host[]> {
  const members = deps.entities.roleMembers;
  const ids =
    roles.length > 0
      ? (await Promise.all(roles.map((r) => members.hostIds(orgId, service, r)))).flat()
      : await members.hostIds(orgId, service);
  return deps.entities.hosts.getMany(orgId, ids);
}

/** `GET /api/v0/hosts`: retired hosts are never listed; `customIdentifier` matches exactly. */
export async function listHosts(deps: Deps, orgId: string, filter: HostFilter): Promise<Host[]> {
  const statuses = filter.statuses.length > 0 ? filter.statuses : DEFAULT_STATUSES;
  if (filter.customIdentifier !== undefined) {
    const owner = await deps.entities.hosts.customIdentifierOwner(orgId, filter.customIdentifier);
    const host = owner === undefined ? undefined : await deps.entities.hosts.get(orgId, owner);
    return host && matches(host, filter, statuses) ? [host] : [];
  }
  const hosts =
    filter.service === undefined
      ? await deps.entities.hosts.list(orgId)
      : await hostsOfService(deps, orgId, filter.service, filter.roles);
  return hosts.filter((h) => matches(h, filter, statuses)).sort((a, b) => a.createdAt - b.createdAt);
}

/** `GET /api/v0/hosts-by-custom-identifier/<ci>`: a non-retired host; the oldest wins a case-insensitive tie. */
export async function findHostByCustomIdentifier(
  deps: Deps,
  orgId: string,
  customIdentifier: string,
  caseInsensitive: boolean,
): Promise<Host> {
  if (!caseInsensitive) {
    const owner = await deps.entities.hosts.customIdentifierOwner(orgId, customIdentifier);
    const host = owner === undefined ? undefined : await getHost(deps, orgId, owner).catch(() => undefined);
    if (host && !host.isRetired && host.customIdentifier === customIdentifier) return host;
    throw new NotFoundError('Host Not Found.');
  }
  const wanted = customIdentifier.toLowerCase();
  const found = (await deps.entities.hosts.list(orgId))
    .filter((h) => !h.isRetired && h.customIdentifier?.toLowerCase() === wanted)
    .sort((a, b) => a.createdAt - b.createdAt)[0];
  if (!found) throw new NotFoundError('Host Not Found.');
  return found;
}
