import type { Downtime } from '../../domain/monitoring/downtime.ts';
import { parseRoleFullname } from '../../domain/names.ts';
import { NotFoundError, ValidationError } from '../../errors.ts';
import type { EntityDeps } from '../../ports/deps.ts';
import type { DowntimeBody } from '../../schemas/downtimes.ts';

const NOT_FOUND = 'Downtime Not Found.';

/** Scopes must name existing services, roles and monitors, and none may be both included and excluded. */
async function toDowntime(deps: EntityDeps, orgId: string, id: string, b: DowntimeBody): Promise<Downtime> {
  for (const s of [...(b.serviceScopes ?? []), ...(b.serviceExcludeScopes ?? [])])
    if (!(await deps.entities.services.get(orgId, s)))
      throw new ValidationError(`Service ${JSON.stringify(s)} does not exist.`);
  const roles = [...(b.roleScopes ?? []), ...(b.roleExcludeScopes ?? [])];
  for (const r of roles) {
    const { service, role } = parseRoleFullname(r);
    if (!(await deps.entities.roles.get(orgId, service, role)))
      throw new ValidationError(`Role ${JSON.stringify(r)} does not exist.`);
  }
  const monitorIds = new Set((await deps.entities.monitors.list(orgId)).map((m) => m.id));
  const monitors = [...(b.monitorScopes ?? []), ...(b.monitorExcludeScopes ?? [])];
  const unknown = monitors.find((m) => !monitorIds.has(m));
  if (unknown !== undefined) throw new ValidationError(`Monitor ${JSON.stringify(unknown)} does not exist.`);
  const both = (a?: string[] | null, x?: string[] | null) => (a ?? []).find((s) => (x ?? []).includes(s));
  const redundant =
    both(b.serviceScopes, b.serviceExcludeScopes) ??
    both(b.roleScopes, b.roleExcludeScopes) ??
    both(b.monitorScopes, b.monitorExcludeScopes);
  if (redundant !== undefined)
    throw new ValidationError(`${JSON.stringify(redundant)} is both in a scope and excluded.`);
  const r = b.recurrence;
  return Object.fromEntries(
    Object.entries({
      id,
      name: b.name,
      memo: b.memo,
      start: b.start,
      duration: b.duration,
      recurrence: r && {
        type: r.type,
        interval: r.interval,
        ...(r.weekdays?.length && { weekdays: r.weekdays }),
        ...(r.until != null && { until: r.until }),
      },
      serviceScopes: b.serviceScopes,
      serviceExcludeScopes: b.serviceExcludeScopes,
      roleScopes: b.roleScopes,
      roleExcludeScopes: b.roleExcludeScopes,
      monitorScopes: b.monitorScopes,
      monitorExcludeScopes: b.monitorExcludeScopes,
    }).filter(([, v]) => v !== null && v !== undefined && !(Array.isArray(v) && v.length === 0)),
  ) as unknown as Downtime;
}

export const listDowntimes = (deps: EntityDeps, orgId: string) => deps.entities.downtimes.list(orgId);

export async function createDowntime(deps: EntityDeps, orgId: string, body: DowntimeBody): Promise<Downtime> {
  const d = await toDowntime(deps, orgId, deps.newId(), body);
  await deps.entities.downtimes.put(orgId, d);
  return d;
}

export async function updateDowntime(
  deps: EntityDeps,
  orgId: string,
  id: string,
  body: DowntimeBody,
): Promise<Downtime> {
  if (!(await deps.entities.downtimes.get(orgId, id))) throw new NotFoundError(NOT_FOUND);
  const d = await toDowntime(deps, orgId, id, body);
  await deps.entities.downtimes.put(orgId, d);
  return d;
}

export async function deleteDowntime(deps: EntityDeps, orgId: string, id: string): Promise<Downtime> {
  const d = await deps.entities.downtimes.get(orgId, id);
  if (!d || !(await deps.entities.downtimes.delete(orgId, id))) throw new NotFoundError(NOT_FOUND);
  return d;
}
