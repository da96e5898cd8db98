import { epochSeconds } from '../../domain/clock.ts';
import { type Dashboard, listed, withoutNulls } from '../../domain/dashboard.ts';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../errors.ts';
import type { EntityDeps } from '../../ports/deps.ts';
import type { DashboardBody } from '../../schemas/dashboards.ts';

/** Dashboards an organization may have (Mackerel's plans limit them too: 403 past the limit). */
export const MAX_DASHBOARDS = 1000;
const NOT_FOUND = 'Dashboard Not Found.';

/** Type-specific requirements the schema cannot say: a graph needs its graph, a value its metric. */
function checkWidgets(body: DashboardBody): void {
  for (const [i, w] of (body.widgets ?? []).entries()) {
    const missing =
      (w.type === 'graph' && !w.graph && 'graph') ||
      (w.type === 'value' && !w.metric && 'metric') ||
      (w.type === 'alertStatus' && !w.roleFullname && 'roleFullname') ||
      (w.type === 'markdown' && typeof w.markdown !== 'string' && 'markdown');
    if (missing) throw new ValidationError(`widgets[${i}]: a ${w.type} widget needs ${missing}.`);
    if (w.type === 'value' && w.metric?.type === 'role')
      throw new ValidationError(
        `widgets[${i}]: a value widget shows a host, service, expression or query metric.`,
      );
  }
}

function assertFreeUrlPath(existing: Dashboard[], urlPath: string, except?: string): void {
  if (existing.some((d) => d.urlPath === urlPath && d.id !== except))
    throw new ConflictError(`urlPath ${JSON.stringify(urlPath)} is used by another dashboard.`);
}

const toDashboard = (id: string, body: DashboardBody, createdAt: number, updatedAt: number): Dashboard => ({
  id,
  title: body.title,
  urlPath: body.urlPath,
  memo: body.memo ?? '',
  createdAt,
  updatedAt,
  widgets: withoutNulls(body.widgets ?? []) as Record<string, unknown>[],
});

export async function listDashboards(deps: EntityDeps, orgId: string) {
  const all = await deps.entities.dashboards.list(orgId);
  return all.sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1)).map(listed);
}

export async function getDashboard(deps: EntityDeps, orgId: string, id: string): Promise<Dashboard> {
  const found = await deps.entities.dashboards.get(orgId, id);
  if (!found) throw new NotFoundError(NOT_FOUND);
  return found;
}

export async function createDashboard(
  deps: EntityDeps,
  orgId: string,
  body: DashboardBody,
): Promise<Dashboard> {
  checkWidgets(body);
  const existing = await deps.entities.dashboards.list(orgId);
  if (existing.length >= MAX_DASHBOARDS)
    throw new ForbiddenError(`An organization may have at most ${MAX_DASHBOARDS} dashboards.`);
  assertFreeUrlPath(existing, body.urlPath);
  const now = epochSeconds(deps.clock);
  const dashboard = toDashboard(deps.newId(), body, now, now);
  await deps.entities.dashboards.put(orgId, dashboard);
  return dashboard;
}

export async function updateDashboard(
  deps: EntityDeps,
  orgId: string,
  id: string,
  body: DashboardBody,
): Promise<Dashboard> {
  const current = await getDashboard(deps, orgId, id);
  checkWidgets(body);
  assertFreeUrlPath(await deps.entities.dashboards.list(orgId), body.urlPath, id);
  const dashboard = toDashboard(id, body, current.createdAt, epochSeconds(deps.clock));
  await deps.entities.dashboards.put(orgId, dashboard);
  return dashboard;
}

export async function deleteDashboard(deps: EntityDeps, orgId: string, id: string): Promise<Dashboard> {
  const current = await getDashboard(deps, orgId, id);
  await deps.entities.dashboards.delete(orgId, id);
  return current;
}
