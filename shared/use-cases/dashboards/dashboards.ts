import { allSettledOrThrow } from '../../concurrency.ts';
import { epochSeconds } from '../../domain/clock.ts';
import {
  asAnswered,
  type Dashboard,
  type LiveNames,
  layoutProblem,
  overlaps,
  withoutNulls,
} from '../../domain/dashboard.ts';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../errors.ts';
import type { EntityDeps } from '../../ports/deps.ts';
import type { DashboardBody } from '../../schemas/dashboards.ts';

/** Dashboards an organization may have (Mackerel's plans limit them too: 403 past the limit). */
export const MAX_DASHBOARDS = 1000;
const NOT_FOUND = 'Dashboard Not Found.';

/**
 * What the schema cannot say: a graph needs its graph, a value its metric; each layout within its
 * type's sizes and the 24 columns; no two widgets overlapping.
 */
function checkWidgets(body: DashboardBody): void {
  const widgets = body.widgets ?? [];
  for (const [i, w] of widgets.entries()) {
    const problem = layoutProblem(w.type, w.layout);
    if (problem) throw new ValidationError(`widgets[${i}]: ${problem}.`);
    const other = widgets.findIndex((o, j) => j < i && overlaps(o.layout, w.layout));
    if (other >= 0) throw new ValidationError(`widgets[${i}] overlaps widgets[${other}].`);
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

/** The services and roles that exist now: one read each, for any number of dashboards. */
async function liveNames(deps: EntityDeps, orgId: string): Promise<LiveNames> {
  const [services, roles] = await Promise.all([
    deps.entities.services.list(orgId),
    deps.entities.roles.list(orgId),
  ]);
  return {
    services: new Set(services.map((s) => s.name)),
    roles: new Set(roles.map((r) => `${r.service}:${r.name}`)),
  };
}

/** `GET /api/v0/dashboards`: every dashboard whole, in the same format as one read by id. */
export async function listDashboards(deps: EntityDeps, orgId: string): Promise<Dashboard[]> {
  const [all, live] = await Promise.all([deps.entities.dashboards.list(orgId), liveNames(deps, orgId)]);
  return all
    .sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1))
    .map((d) => asAnswered(d, live));
}

async function storedDashboard(deps: EntityDeps, orgId: string, id: string): Promise<Dashboard> {
  const found = await deps.entities.dashboards.get(orgId, id);
  if (!found) throw new NotFoundError(NOT_FOUND);
  return found;
}

export async function getDashboard(deps: EntityDeps, orgId: string, id: string): Promise<Dashboard> {
  const [found, live] = await allSettledOrThrow([storedDashboard(deps, orgId, id), liveNames(deps, orgId)]);
  return asAnswered(found, live);
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
  return asAnswered(dashboard, await liveNames(deps, orgId));
}

export async function updateDashboard(
  deps: EntityDeps,
  orgId: string,
  id: string,
  body: DashboardBody,
): Promise<Dashboard> {
  const current = await storedDashboard(deps, orgId, id);
  checkWidgets(body);
  assertFreeUrlPath(await deps.entities.dashboards.list(orgId), body.urlPath, id);
  const dashboard = toDashboard(id, body, current.createdAt, epochSeconds(deps.clock));
  await deps.entities.dashboards.put(orgId, dashboard);
  return asAnswered(dashboard, await liveNames(deps, orgId));
}

export async function deleteDashboard(deps: EntityDeps, orgId: string, id: string): Promise<Dashboard> {
  const current = await getDashboard(deps, orgId, id);
  await deps.entities.dashboards.delete(orgId, id);
  return current;
}
