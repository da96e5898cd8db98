import { allSettledOrThrow } from '../../concurrency.ts';
import type { Host } from '../../domain/host.ts';
import { NotFoundError } from '../../errors.ts';
import type { Deps } from '../../ports/deps.ts';

export const HOST_NOT_FOUND = 'Host Not Found.';

/** Any host of the organization, retired ones included (GET shows them with `isRetired: true`). */
export async function getHost(deps: Deps, orgId: string, hostId: string): Promise<Host> {
  const host = await deps.entities.hosts.get(orgId, hostId);
  if (!host) throw new NotFoundError(HOST_NOT_FOUND);
  return host;
}

/** A host that can still be changed: retired hosts are gone for every write. */
export async function getActiveHost(deps: Deps, orgId: string, hostId: string): Promise<Host> {
  const host = await getHost(deps, orgId, hostId);
  if (host.isRetired) throw new NotFoundError(HOST_NOT_FOUND);
  return host;
}

/** Loads every id first, so an unknown id fails the whole request before anything is written. */
export async function getActiveHosts(deps: Deps, orgId: string, hostIds: string[]): Promise<Host[]> {
  return allSettledOrThrow([...new Set(hostIds)].map((id) => getActiveHost(deps, orgId, id)));
}
