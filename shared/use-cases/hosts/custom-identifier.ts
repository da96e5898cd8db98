import { ConflictError } from '../../errors.ts';
import type { Deps } from '../../ports/deps.ts';

/**
 * Makes `hostId` the one host of the organization with this custom identifier. A claim left by a
 * host that never got saved, or that was retired, is taken over; a live one is a conflict.
 */
export async function claimCustomIdentifier(
  deps: Deps,
  orgId: string,
  ci: string,
  hostId: string,
): Promise<void> {
  const hosts = deps.entities.hosts;
  if (await hosts.claimCustomIdentifier(orgId, ci, hostId)) return;
  const owner = await hosts.customIdentifierOwner(orgId, ci);
  if (owner !== undefined && owner !== hostId) {
    const holder = await hosts.get(orgId, owner);
    if (holder && !holder.isRetired && holder.customIdentifier === ci) {
      throw new ConflictError(`customIdentifier ${JSON.stringify(ci)} is already used by host ${owner}.`);
    }
  }
  if (!(await hosts.claimCustomIdentifier(orgId, ci, hostId, owner))) {
    throw new ConflictError(`customIdentifier ${JSON.stringify(ci)} was claimed concurrently; try again.`);
  }
}

/** `null` and `""` both mean "no custom identifier". */
export const normalizeCustomIdentifier = (ci: string | null | undefined): string | undefined =>
  ci === null || ci === undefined || ci === '' ? undefined : ci;
