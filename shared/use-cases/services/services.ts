import { epochSeconds } from '../../domain/clock.ts';
import { withoutService } from '../../domain/host.ts';
import { assertEntityName } from '../../domain/names.ts';
import { ValidationError } from '../../errors.ts';
import type { Deps } from '../../ports/deps.ts';
import { deleteServiceAnnotations } from '../graphs/annotations.ts';
import { modifyHost } from '../hosts/change-host.ts';
import { deleteAllMetadata } from '../metadata/metadata.ts';
import { getService } from './lookup.ts';

export interface ServiceView {
  name: string;
  memo: string;
  roles: string[];
}

export async function listServices(deps: Deps, orgId: string): Promise<ServiceView[]> {
  const [services, roles] = await Promise.all([
    deps.entities.services.list(orgId),
    deps.entities.roles.list(orgId),
  ]);
  return services
    .map((s) => ({
      name: s.name,
      memo: s.memo,
      roles: roles
        .filter((r) => r.service === s.name)
        .map((r) => r.name)
        .sort(),
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

export async function createService(
  deps: Deps,
  orgId: string,
  name: string,
  memo: string,
): Promise<ServiceView> {
  assertEntityName('service', name);
  const created = await deps.entities.services.create({
    orgId,
    name,
    memo,
    createdAt: epochSeconds(deps.clock),
  });
  if (!created) throw new ValidationError(`Service ${name} already exists.`);
  return { name, memo, roles: [] };
}

/**
 * Primary course: take the service off every host, delete its roles and their metadata, its own
 * metadata, annotations and metric names, and last the service itself, so a retried delete finishes what a failed one started.
 */
export async function deleteService(deps: Deps, orgId: string, name: string): Promise<ServiceView> {
  const service = await getService(deps, orgId, name);
  const roles = await deps.entities.roles.list(orgId, name);
  const hosts = await deps.entities.hosts.getMany(
    orgId,
    await deps.entities.roleMembers.hostIds(orgId, name),
  );
  for (const host of hosts.filter((h) => !h.isRetired && h.roles[name])) {
    await modifyHost(deps, orgId, host.id, (h) => ({ roles: withoutService(h.roles, name) }));
  }
  for (const role of roles) {
    await deleteAllMetadata(deps, orgId, { kind: 'role', service: name, role: role.name });
    await deps.entities.roles.delete(orgId, name, role.name);
  }
  await deleteAllMetadata(deps, orgId, { kind: 'service', service: name });
  await deleteServiceAnnotations(deps, orgId, name);
  const owner = { kind: 'service' as const, id: name };
  await deps.metrics.forgetNames(orgId, owner, await deps.metrics.names(orgId, owner));
  await deps.entities.services.delete(orgId, name);
  return { name: service.name, memo: service.memo, roles: roles.map((r) => r.name).sort() };
}
