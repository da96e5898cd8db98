import { dashboardSchema, dashboardUpdateSchema } from '../../schemas/dashboards.ts';
import { parseBody } from '../../schemas/parse.ts';
import {
  createDashboard,
  deleteDashboard,
  getDashboard,
  listDashboards,
  updateDashboard,
} from '../../use-cases/dashboards/dashboards.ts';
import { json } from '../reply.ts';
import { type Operation, param } from './operation.ts';

/** §10 custom dashboards: one is answered unwrapped, the list wrapped, each whole (widgets included). */
export const dashboardOperations = {
  listDashboards: async (req, deps) => json({ dashboards: await listDashboards(deps, req.orgId) }),
  getDashboard: async (req, deps) => json(await getDashboard(deps, req.orgId, param(req, 'dashboardId'))),
  createDashboard: async (req, deps) =>
    json(await createDashboard(deps, req.orgId, parseBody(dashboardSchema, req.body()))),
  updateDashboard: async (req, deps) =>
    json(
      await updateDashboard(
        deps,
        req.orgId,
        param(req, 'dashboardId'),
        parseBody(dashboardUpdateSchema, req.body()),
      ),
    ),
  deleteDashboard: async (req, deps) =>
    json(await deleteDashboard(deps, req.orgId, param(req, 'dashboardId'))),
} satisfies Record<string, Operation>;
