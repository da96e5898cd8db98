import { parseMetricBody } from '../../schemas/metrics.ts';
import { postHostMetrics, postServiceMetrics } from '../../use-cases/metrics/post-metrics.ts';
import type { WritableOwners } from '../../use-cases/metrics/writable-owners.ts';
import { success } from '../reply.ts';
import { type Operation, param } from './operation.ts';

/** The ingest function's operations, with one host/service cache per process. */
export function createIngestOperations(owners: WritableOwners) {
  return {
    postHostMetrics: async (req, deps) => {
      await postHostMetrics(deps, owners, req.orgId, parseMetricBody(req.body(), true));
      return success();
    },
    postServiceMetrics: async (req, deps) => {
      const points = parseMetricBody(req.body(), false).map(({ name, time, value }) => ({
        name,
        time,
        value,
      }));
      await postServiceMetrics(deps, owners, req.orgId, param(req, 'serviceName'), points);
      return success();
    },
  } satisfies Record<string, Operation>;
}
