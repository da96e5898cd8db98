import { epochSeconds } from '../domain/clock.ts';
import type { RoleRef } from '../domain/names.ts';
import type { Deps } from '../ports/deps.ts';

/**
 * Creates the services and roles named in `roleFullnames` that do not exist yet, as Mackerel does
 * when a host is registered or updated. Conditional creates make it safe to run concurrently.
 */
export async function ensureRoles(deps: Deps, orgId: string, refs: RoleRef[]): Promise<void> {
  const createdAt = epochSeconds(deps.clock);
  const services = new Set(refs.map((r) => r.service));
  await Promise.all(
    [...services].map((name) => deps.entities.services.create({ orgId, name, memo: '', createdAt })),
  );
  await Promise.all(
    refs.map(({ service, role }) =>
      deps.entities.roles.create({ orgId, service, name: role, memo: '', createdAt }),
    ),
  );
}
