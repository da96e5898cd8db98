import { epochSeconds } from '../../domain/clock.ts';
import { type Host, type HostCheck, roleRefsOf, rolesFrom } from '../../domain/host.ts';
import { NotFoundError } from '../../errors.ts';
import type { Deps } from '../../ports/deps.ts';
import type { HostBody } from '../../schemas/host.ts';
import { ensureRoles } from '../ensure-roles.ts';
import { claimCustomIdentifier, normalizeCustomIdentifier } from './custom-identifier.ts';
import { saveHost } from './save-host.ts';

export const checksOf = (body: HostBody): HostCheck[] =>
  (body.checks ?? []).map((c) => ({ name: c.name, ...(c.memo ? { memo: c.memo } : {}) }));

/**
 * Primary course: validate role names, create missing services and roles, claim the custom
 * identifier, then write the host. Each step is idempotent, so a retried request is harmless.
 */
export async function registerHost(deps: Deps, orgId: string, body: HostBody): Promise<{ id: string }> {
  const refs = roleRefsOf(body.roleFullnames);
  const org = await deps.entities.orgs.get(orgId);
  if (!org) throw new NotFoundError('Organization Not Found.');
  await ensureRoles(deps, orgId, refs);

  const id = deps.newId();
  const customIdentifier = normalizeCustomIdentifier(body.customIdentifier);
  if (customIdentifier !== undefined) await claimCustomIdentifier(deps, orgId, customIdentifier, id);

  const host: Host = {
    orgId,
    id,
    name: body.name,
    ...(body.displayName != null && { displayName: body.displayName }),
    ...(customIdentifier !== undefined && { customIdentifier }),
    memo: body.memo ?? '',
    status: org.defaultHostStatus,
    size: 'standard',
    isRetired: false,
    createdAt: epochSeconds(deps.clock),
    roles: rolesFrom(refs),
    meta: body.meta,
    interfaces: body.interfaces ?? [],
    checks: checksOf(body),
    version: 1,
  };
  await saveHost(deps, undefined, host);
  return { id };
}
