import { getOrg } from '../../use-cases/org.ts';
import { json } from '../reply.ts';
import type { Operation } from './operation.ts';

export const orgOperations = {
  getOrg: async (req, deps) => json(await getOrg(deps, req.orgId)),
} satisfies Record<string, Operation>;
