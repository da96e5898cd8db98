import { epochSeconds } from '../../domain/clock.ts';
import { withoutRole } from '../../domain/host.ts';
import { assertEntityName } from '../../domain/names.ts';
import { ValidationError } from '../../errors.ts';
import type { Deps } from '../../ports/deps.ts';
import { modifyHost } from '../hosts/change-host.ts';
import { deleteAllMetadata } from '../metadata/metadata.ts';
import { getRoleOf, getService } from './lookup.ts';

export interface RoleView {
  name: string;
  memo: string;
}

export async function listRoles(deps: Deps, orgId: string, service: string): Promise<RoleView[]> {
  await getService(deps, orgId, service);
  const roles = await deps.entities.roles.list(orgId, service);
  return roles.map((r) => ({ name: r.name, memo: r.memo })).sort((a, b) => a.name.localeCompare(b.name));
}

export async function getRole(deps: Deps, orgId: string, service: string, name: string): Promise<RoleView> {
  const role = await getRoleOf(deps, orgId, service, name);
  return { name: role.name, memo: role.memo };
}

export async function createRole(
  deps: Deps,
  orgId: string,
  service: string,
  name: string,
  memo: string,
): Promise<RoleView> {
  await getService(deps, orgId, service);
  assertEntityName('role', name);
  const created = await deps.entities.roles.create({
    orgId,
    service,
    name,
    memo,
    createdAt: epochSeconds(deps.clock),
  });
  if (!created) throw new ValidationError(`Role ${service}:${name} already exists.`);
  return { name, memo };
}

/** Takes the role off every host, deletes its metadata, then the role. */
export async function deleteRole(
  deps: Deps,
  orgId: string,
  service: string,
  name: string,
): Promise<RoleView> {
  const role = await getRole(deps, orgId, service, name);
  const hosts = await deps.entities.hosts.getMany(
    orgId,
    await deps.entities.roleMembers.hostIds(orgId, service, name),
  );
  for (const host of hosts.filter((h) => !h.isRetired && h.roles[service]?.includes(name))) {
    await modifyHost(deps, orgId, host.id, (h) => ({ roles: withoutRole(h.roles, { service, role: name }) }));
  }
  await deleteAllMetadata(deps, orgId, { kind: 'role', service, role: name });
  await deps.entities.roles.delete(orgId, service, name);
  return role;
}
