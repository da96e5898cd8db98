import type { Role, Service } from '../../domain/service.ts';
import { NotFoundError } from '../../errors.ts';
import type { EntityDeps } from '../../ports/deps.ts';

/**
 * Existence checks other use cases need (annotations, graph definitions, metrics): the lowest rung,
 * so that services.ts may use them without an import cycle.
 */
export async function getService(deps: EntityDeps, orgId: string, name: string): Promise<Service> {
  const service = await deps.entities.services.get(orgId, name);
  if (!service) throw new NotFoundError('Service Not Found.');
  return service;
}

export async function getRoleOf(
  deps: EntityDeps,
  orgId: string,
  service: string,
  name: string,
): Promise<Role> {
  await getService(deps, orgId, service);
  const role = await deps.entities.roles.get(orgId, service, name);
  if (!role) throw new NotFoundError('Role Not Found.');
  return role;
}
