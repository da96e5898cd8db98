import type { Alert, AlertLog } from '../../domain/monitoring/alert.ts';
import { NotFoundError, ValidationError } from '../../errors.ts';
import type { EntityDeps } from '../../ports/deps.ts';
import type { Page } from '../../ports/monitoring-store.ts';

export const MAX_PAGE = 100;

export function pageLimit(raw: string | undefined): number {
  if (raw === undefined || raw === '') return MAX_PAGE;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > MAX_PAGE)
    throw new ValidationError(`limit must be an integer from 1 to ${MAX_PAGE}.`);
  return n;
}

/**
 * `GET /alerts`: newest first, `limit` a page, `nextId` for older ones. Open alerts come from the
 * alert states (only targets that are not OK have one), so the default view never reads history.
 */
export async function listAlerts(
  deps: EntityDeps,
  orgId: string,
  options: { withClosed: boolean; limit: number; nextId?: string },
): Promise<Page<Alert>> {
  if (options.withClosed) return deps.entities.alerts.page(orgId, options.limit, options.nextId);
  const ids = (await deps.entities.alertStates.list(orgId)).flatMap((s) => (s.alertId ? [s.alertId] : []));
  const open = (await deps.entities.alerts.getMany(orgId, ids))
    .filter((a) => a.isOpen && (options.nextId === undefined || a.id < options.nextId))
    .sort((a, b) => (a.id < b.id ? 1 : -1));
  const items = open.slice(0, options.limit);
  const last = items[items.length - 1];
  return { items, ...(open.length > options.limit && last && { nextId: last.id }) };
}

export async function getAlert(deps: EntityDeps, orgId: string, id: string): Promise<Alert> {
  const alert = await deps.entities.alerts.get(orgId, id);
  if (!alert) throw new NotFoundError('Alert Not Found.');
  return alert;
}

export async function setAlertMemo(deps: EntityDeps, orgId: string, id: string, memo: string): Promise<void> {
  if (!(await deps.entities.alerts.setMemo(orgId, id, memo))) throw new NotFoundError('Alert Not Found.');
}

export async function listAlertLogs(
  deps: EntityDeps,
  orgId: string,
  id: string,
  limit: number,
  nextId?: string,
): Promise<Page<AlertLog>> {
  await getAlert(deps, orgId, id);
  return deps.entities.alertLogs.page(orgId, id, limit, nextId);
}
