import { parseBody } from '../../schemas/parse.ts';
import { roleBodySchema, serviceBodySchema } from '../../schemas/service.ts';
import { createRole, deleteRole, listRoles } from '../../use-cases/services/roles.ts';
import { createService, deleteService, listServices } from '../../use-cases/services/services.ts';
import { json } from '../reply.ts';
import { type Operation, param } from './operation.ts';

export const serviceOperations = {
  listServices: async (req, deps) => json({ services: await listServices(deps, req.orgId) }),

  createService: async (req, deps) => {
    const { name, memo } = parseBody(serviceBodySchema, req.body());
    return json(await createService(deps, req.orgId, name, memo ?? ''));
  },

  deleteService: async (req, deps) => json(await deleteService(deps, req.orgId, param(req, 'serviceName'))),

  listRoles: async (req, deps) =>
    json({ roles: await listRoles(deps, req.orgId, param(req, 'serviceName')) }),

  createRole: async (req, deps) => {
    const { name, memo } = parseBody(roleBodySchema, req.body());
    return json(await createRole(deps, req.orgId, param(req, 'serviceName'), name, memo ?? ''));
  },

  deleteRole: async (req, deps) =>
    json(await deleteRole(deps, req.orgId, param(req, 'serviceName'), param(req, 'roleName'))),
} satisfies Record<string, Operation>;
