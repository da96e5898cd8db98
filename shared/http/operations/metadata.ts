import type { MetadataTarget } from '../../domain/service.ts';
import { ValidationError } from '../../errors.ts';
import { deleteMetadata, getMetadata, listMetadata, putMetadata } from '../../use-cases/metadata/metadata.ts';
import { json, rawJson, success } from '../reply.ts';
import type { ApiRequest } from '../request.ts';
import { type Operation, param } from './operation.ts';

const hostTarget = (req: ApiRequest): MetadataTarget => ({ kind: 'host', hostId: param(req, 'hostId') });
const serviceTarget = (req: ApiRequest): MetadataTarget => ({
  kind: 'service',
  service: param(req, 'serviceName'),
});
const roleTarget = (req: ApiRequest): MetadataTarget => ({
  kind: 'role',
  service: param(req, 'serviceName'),
  role: param(req, 'roleName'),
});

/** The four metadata operations for one kind of target (hosts, services, roles share them). */
function metadataOperations(target: (req: ApiRequest) => MetadataTarget) {
  const list: Operation = async (req, deps) => {
    const namespaces = await listMetadata(deps, req.orgId, target(req));
    return json({ metadata: namespaces.map((namespace) => ({ namespace })) });
  };
  /** client-go requires `Last-Modified`; the stored JSON text goes back unchanged. */
  const get: Operation = async (req, deps) => {
    const entry = await getMetadata(deps, req.orgId, target(req), param(req, 'namespace'));
    return rawJson(entry.json, { 'last-modified': new Date(entry.updatedAt).toUTCString() });
  };
  const put: Operation = async (req, deps) => {
    req.body();
    if (req.rawBody === undefined) throw new ValidationError('A JSON body is required.');
    await putMetadata(deps, req.orgId, target(req), param(req, 'namespace'), req.rawBody);
    return success();
  };
  const remove: Operation = async (req, deps) => {
    await deleteMetadata(deps, req.orgId, target(req), param(req, 'namespace'));
    return success();
  };
  return { list, get, put, remove };
}

const host = metadataOperations(hostTarget);
const service = metadataOperations(serviceTarget);
const role = metadataOperations(roleTarget);

export const metadataOperationsByName = {
  listHostMetadata: host.list,
  getHostMetadata: host.get,
  putHostMetadata: host.put,
  deleteHostMetadata: host.remove,
  listServiceMetadata: service.list,
  getServiceMetadata: service.get,
  putServiceMetadata: service.put,
  deleteServiceMetadata: service.remove,
  listRoleMetadata: role.list,
  getRoleMetadata: role.get,
  putRoleMetadata: role.put,
  deleteRoleMetadata: role.remove,
} satisfies Record<string, Operation>;
