import { isHostStatus, toApiHost } from '../../domain/host.ts';
import { PayloadTooLargeError, ValidationError } from '../../errors.ts';
import {
  bulkRetireSchema,
  bulkStatusSchema,
  HOST_SPEC_MAX_BYTES,
  type HostBody,
  hostBodySchema,
  hostStatusSchema,
  roleFullnamesSchema,
} from '../../schemas/host.ts';
import { parseBody } from '../../schemas/parse.ts';
import { replaceHostRoles, setHostStatuses } from '../../use-cases/hosts/change-host.ts';
import { findHostByCustomIdentifier, listHosts } from '../../use-cases/hosts/find-hosts.ts';
import { getHost } from '../../use-cases/hosts/get-host.ts';
import { registerHost } from '../../use-cases/hosts/register-host.ts';
import { updateHost } from '../../use-cases/hosts/update-host.ts';
import { retireAndCloseAlerts } from '../../use-cases/retire-hosts.ts';
import { json, success } from '../reply.ts';
import { type Operation, param } from './operation.ts';

const statusesOf = (values: string[]) =>
  values.map((s) => {
    if (!isHostStatus(s)) throw new ValidationError(`Invalid status: ${JSON.stringify(s)}.`);
    return s;
  });

function hostBody(body: unknown): HostBody {
  const parsed = parseBody(hostBodySchema, body);
  const size = Buffer.byteLength(JSON.stringify([parsed.meta, parsed.interfaces, parsed.checks]), 'utf8');
  if (size > HOST_SPEC_MAX_BYTES)
    throw new PayloadTooLargeError('meta, interfaces and checks must total 256KB or less.');
  return parsed;
}

export const hostOperations = {
  listHosts: async (req, deps) => {
    const hosts = await listHosts(deps, req.orgId, {
      service: req.query.get('service'),
      roles: req.query.all('role'),
      name: req.query.get('name'),
      statuses: statusesOf(req.query.all('status')),
      customIdentifier: req.query.get('customIdentifier'),
    });
    return json({ hosts: hosts.map(toApiHost) });
  },

  registerHost: async (req, deps) => json(await registerHost(deps, req.orgId, hostBody(req.body()))),

  getHost: async (req, deps) =>
    json({ host: toApiHost(await getHost(deps, req.orgId, param(req, 'hostId'))) }),

  updateHost: async (req, deps) =>
    json(await updateHost(deps, req.orgId, param(req, 'hostId'), hostBody(req.body()))),

  setHostStatus: async (req, deps) => {
    const { status } = parseBody(hostStatusSchema, req.body());
    await setHostStatuses(deps, req.orgId, [param(req, 'hostId')], status);
    return success();
  },

  bulkSetHostStatus: async (req, deps) => {
    const { ids, status } = parseBody(bulkStatusSchema, req.body());
    await setHostStatuses(deps, req.orgId, ids, status);
    return success();
  },

  replaceHostRoles: async (req, deps) => {
    const { roleFullnames } = parseBody(roleFullnamesSchema, req.body());
    await replaceHostRoles(deps, req.orgId, param(req, 'hostId'), roleFullnames ?? []);
    return success();
  },

  /**
   * client-go sends the body `null`, the docs `{}`: both are fine, nothing in it is read. Retiring
   * closes the host's alerts.
   */
  retireHost: async (req, deps) => {
    req.body();
    await retireAndCloseAlerts(deps, req.orgId, [param(req, 'hostId')]);
    return success();
  },

  bulkRetireHosts: async (req, deps) => {
    const { ids } = parseBody(bulkRetireSchema, req.body());
    await retireAndCloseAlerts(deps, req.orgId, ids);
    return success();
  },

  findHostByCustomIdentifier: async (req, deps) => {
    const caseInsensitive = req.query.get('caseInsensitive') === 'true';
    const host = await findHostByCustomIdentifier(
      deps,
      req.orgId,
      param(req, 'customIdentifier'),
      caseInsensitive,
    );
    return json({ host: toApiHost(host) });
  },
} satisfies Record<string, Operation>;
