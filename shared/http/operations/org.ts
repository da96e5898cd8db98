import { getHost } from '../../use-cases/hosts/get-host.ts';
import { getOrg } from '../../use-cases/org.ts';
import { json } from '../reply.ts';
import { type Operation, param } from './operation.ts';

export const orgOperations = {
  getOrg: async (req, deps) => json(await getOrg(deps, req.orgId)),

  /** Names of metrics posted for the host: empty until the metric pipeline stores some. */
  listHostMetricNames: async (req, deps) => {
    await getHost(deps, req.orgId, param(req, 'hostId'));
    return json({ names: [] });
  },
} satisfies Record<string, Operation>;
