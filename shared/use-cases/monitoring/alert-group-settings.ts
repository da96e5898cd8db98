import type { AlertGroupSetting } from '../../domain/monitoring/alert-group.ts';
import { parseRoleFullname } from '../../domain/names.ts';
import { NotFoundError, ValidationError } from '../../errors.ts';
import type { EntityDeps } from '../../ports/deps.ts';
import type { AlertGroupSettingBody } from '../../schemas/alert-group-settings.ts';

const NOT_FOUND = 'Alert Group Setting Not Found.';

/** Scopes must name existing services, roles and monitors; empty scopes and a 0 interval are left out. */
async function toSetting(
  deps: EntityDeps,
  orgId: string,
  id: string,
  b: AlertGroupSettingBody,
): Promise<AlertGroupSetting> {
  for (const s of b.serviceScopes ?? [])
    if (!(await deps.entities.services.get(orgId, s)))
      throw new ValidationError(`Service ${JSON.stringify(s)} does not exist.`);
  for (const r of b.roleScopes ?? []) {
    const { service, role } = parseRoleFullname(r);
    if (!(await deps.entities.roles.get(orgId, service, role)))
      throw new ValidationError(`Role ${JSON.stringify(r)} does not exist.`);
  }
  if (b.monitorScopes?.length) {
    const known = new Set((await deps.entities.monitors.list(orgId)).map((m) => m.id));
    const unknown = b.monitorScopes.find((m) => !known.has(m));
    if (unknown !== undefined)
      throw new ValidationError(`Monitor ${JSON.stringify(unknown)} does not exist.`);
  }
  const unique = (xs?: string[] | null) => (xs?.length ? { list: [...new Set(xs)] } : undefined);
  const services = unique(b.serviceScopes);
  const roles = unique(b.roleScopes);
  const monitors = unique(b.monitorScopes);
  return {
    id,
    name: b.name,
    ...(b.memo && { memo: b.memo }),
    ...(services && { serviceScopes: services.list }),
    ...(roles && { roleScopes: roles.list }),
    ...(monitors && { monitorScopes: monitors.list }),
    ...(b.notificationInterval && { notificationInterval: b.notificationInterval }),
  };
}

export const listAlertGroupSettings = (deps: EntityDeps, orgId: string) =>
  deps.entities.alertGroupSettings.list(orgId);

export async function getAlertGroupSetting(
  deps: EntityDeps,
  orgId: string,
  id: string,
): Promise<AlertGroupSetting> {
  const setting = await deps.entities.alertGroupSettings.get(orgId, id);
  if (!setting) throw new NotFoundError(NOT_FOUND);
  return setting;
}

export async function createAlertGroupSetting(
  deps: EntityDeps,
  orgId: string,
  body: AlertGroupSettingBody,
): Promise<AlertGroupSetting> {
  const setting = await toSetting(deps, orgId, deps.newId(), body);
  await deps.entities.alertGroupSettings.put(orgId, setting);
  return setting;
}

/** New scopes apply to alerts from now on; a group already open keeps the alerts it has. */
export async function updateAlertGroupSetting(
  deps: EntityDeps,
  orgId: string,
  id: string,
  body: AlertGroupSettingBody,
): Promise<AlertGroupSetting> {
  await getAlertGroupSetting(deps, orgId, id);
  const setting = await toSetting(deps, orgId, id, body);
  await deps.entities.alertGroupSettings.put(orgId, setting);
  return setting;
}

/** Deletes the setting; its open group, if any, is closed by the caller (closeGroupOfSetting). */
export async function deleteAlertGroupSetting(
  deps: EntityDeps,
  orgId: string,
  id: string,
): Promise<AlertGroupSetting> {
  const setting = await getAlertGroupSetting(deps, orgId, id);
  if (!(await deps.entities.alertGroupSettings.delete(orgId, id))) throw new NotFoundError(NOT_FOUND);
  return setting;
}
