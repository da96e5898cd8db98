import { allSettledOrThrow } from '../../concurrency.ts';
import { epochSeconds } from '../../domain/clock.ts';
import { type Host, type HostStatus, roleRefsOf, rolesFrom } from '../../domain/host.ts';
import type { Deps } from '../../ports/deps.ts';
import { ensureRoles } from '../ensure-roles.ts';
import { retryOnStale } from '../retry.ts';
import { getActiveHost, getActiveHosts, getHost } from './get-host.ts';
import { saveHost } from './save-host.ts';

/** Read-modify-write of one host under its version condition. */
export function modifyHost(
  deps: Deps,
  orgId: string,
  hostId: string,
  change: (host: Host) => Partial<Host>,
  load: typeof getHost = getActiveHost,
): Promise<Host> {
  return retryOnStale(async () => {
    const current = await load(deps, orgId, hostId);
    const next = { ...current, ...change(current), version: current.version + 1 };
    await saveHost(deps, current, next);
    return next;
  });
}

export async function setHostStatuses(
  deps: Deps,
  orgId: string,
  hostIds: string[],
  status: HostStatus,
): Promise<void> {
  await getActiveHosts(deps, orgId, hostIds);
  for (const id of new Set(hostIds)) await modifyHost(deps, orgId, id, () => ({ status }));
}

/** `PUT /hosts/<id>/role-fullnames` replaces the roles (creating missing services and roles). */
export async function replaceHostRoles(
  deps: Deps,
  orgId: string,
  hostId: string,
  fullnames: string[],
): Promise<void> {
  const refs = roleRefsOf(fullnames);
  await getActiveHost(deps, orgId, hostId);
  await ensureRoles(deps, orgId, refs);
  await modifyHost(deps, orgId, hostId, () => ({ roles: rolesFrom(refs) }));
}

/**
 * Retiring is final and idempotent: retiring a retired host succeeds again (the agent retries
 * `retire` on any error, so a lost response must not turn into a failure). The custom identifier is
 * released so a new host may take it.
 */
export async function retireHosts(deps: Deps, orgId: string, hostIds: string[]): Promise<void> {
  await allSettledOrThrow([...new Set(hostIds)].map((id) => getHost(deps, orgId, id)));
  const retiredAt = epochSeconds(deps.clock);
  for (const id of new Set(hostIds)) {
    const host = await modifyHost(
      deps,
      orgId,
      id,
      (h) => (h.isRetired ? {} : { isRetired: true, retiredAt }),
      getHost,
    );
    if (host.customIdentifier !== undefined) {
      await deps.entities.hosts.releaseCustomIdentifier(orgId, host.customIdentifier, id);
    }
  }
}
