import { addRoles, type Host, roleRefsOf } from '../../domain/host.ts';
import type { Deps } from '../../ports/deps.ts';
import type { HostBody } from '../../schemas/host.ts';
import { ensureRoles } from '../ensure-roles.ts';
import { retryOnStale } from '../retry.ts';
import { claimCustomIdentifier, normalizeCustomIdentifier } from './custom-identifier.ts';
import { getActiveHost } from './get-host.ts';
import { checksOf } from './register-host.ts';
import { saveHost } from './save-host.ts';

/**
 * `PUT /api/v0/hosts/<id>`: name, meta, interfaces and checks are replaced; roles are only added;
 * displayName, memo and customIdentifier are kept when the key is absent and overwritten when present
 * (`null` or `""` clears the custom identifier, as documented).
 */
export async function updateHost(
  deps: Deps,
  orgId: string,
  hostId: string,
  body: HostBody,
): Promise<{ id: string }> {
  const refs = roleRefsOf(body.roleFullnames);
  await getActiveHost(deps, orgId, hostId);
  await ensureRoles(deps, orgId, refs);

  const hasCi = 'customIdentifier' in body;
  const nextCi = normalizeCustomIdentifier(body.customIdentifier);
  if (hasCi && nextCi !== undefined) await claimCustomIdentifier(deps, orgId, nextCi, hostId);

  const previousCi = await retryOnStale(async () => {
    const current = await getActiveHost(deps, orgId, hostId);
    // The agent that updates a host made by an integration takes it over: connectivity applies again.
    const { displayName, customIdentifier, agentless: _takenOver, ...rest } = current;
    const ci = hasCi ? nextCi : customIdentifier;
    const dn = 'displayName' in body ? (body.displayName ?? undefined) : displayName;
    const next: Host = {
      ...rest,
      ...(dn !== undefined && dn !== '' && { displayName: dn }),
      ...(ci !== undefined && { customIdentifier: ci }),
      name: body.name,
      memo: 'memo' in body ? (body.memo ?? '') : current.memo,
      meta: body.meta,
      interfaces: body.interfaces ?? [],
      checks: checksOf(body),
      roles: addRoles(current.roles, refs),
      version: current.version + 1,
    };
    await saveHost(deps, current, next);
    return customIdentifier;
  });
  if (hasCi && previousCi !== undefined && previousCi !== nextCi) {
    await deps.entities.hosts.releaseCustomIdentifier(orgId, previousCi, hostId);
  }
  return { id: hostId };
}
