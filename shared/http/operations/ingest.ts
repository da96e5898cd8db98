import type { NamedPoint } from '../../domain/metrics.ts';
import type { Deps } from '../../ports/deps.ts';
import { checkReportsSchema } from '../../schemas/checks.ts';
import { parseMetricBody } from '../../schemas/metrics.ts';
import { parseBody } from '../../schemas/parse.ts';
import {
  type Forwarding,
  forwardHostPoints,
  forwardServicePoints,
} from '../../use-cases/forwarding/forward-metrics.ts';
import { postHostMetrics, postServiceMetrics } from '../../use-cases/metrics/post-metrics.ts';
import type { WritableOwners } from '../../use-cases/metrics/writable-owners.ts';
import { reportChecks } from '../../use-cases/monitoring/check-reports.ts';
import {
  evaluateHostMetricMonitors,
  evaluateServiceMetricMonitors,
} from '../../use-cases/monitoring/evaluate-metrics.ts';
import type { MonitorDirectory } from '../../use-cases/monitoring/monitor-directory.ts';
import { success } from '../reply.ts';
import { type Operation, param } from './operation.ts';

/**
 * Monitors are evaluated after the points are durable. A failure there is logged and the post still
 * answers 200: the points are stored, and a 5xx would only make the agent send them again.
 */
async function evaluateQuietly(work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (err) {
    console.error(JSON.stringify({ msg: 'monitor evaluation failed', error: String(err) }));
  }
}

/**
 * The ingest function's operations, with one host/service cache and one monitor cache per process,
 * and, when mirroring to CloudWatch is on, the forward rules and queue. Forwarding runs beside the
 * monitors once the points are stored; a failed send fails the post, so the agent sends it again.
 */
export function createIngestOperations(
  owners: WritableOwners,
  monitors: MonitorDirectory,
  forwarding?: Forwarding,
) {
  return {
    postHostMetrics: async (req, deps) => {
      const points = parseMetricBody(req.body(), true);
      await postHostMetrics(deps, owners, req.orgId, points);
      const byHost = new Map<string, NamedPoint[]>();
      for (const { hostId, ...p } of points) {
        const list = byHost.get(hostId);
        if (list) list.push(p);
        else byHost.set(hostId, [p]);
      }
      await Promise.all([
        evaluateQuietly(async () => {
          for (const [hostId, list] of byHost)
            await evaluateHostMetricMonitors(deps, monitors, req.orgId, hostId, list);
        }),
        forwarding && forwardHostPoints(deps, forwarding, monitors, req.orgId, byHost),
      ]);
      return success();
    },
    postServiceMetrics: async (req, deps: Deps) => {
      const points = parseMetricBody(req.body(), false).map(({ name, time, value }) => ({
        name,
        time,
        value,
      }));
      const service = param(req, 'serviceName');
      await postServiceMetrics(deps, owners, req.orgId, service, points);
      await Promise.all([
        evaluateQuietly(() => evaluateServiceMetricMonitors(deps, monitors, req.orgId, service, points)),
        forwarding && forwardServicePoints(forwarding, req.orgId, service, points),
      ]);
      return success();
    },
    reportChecks: async (req, deps) => {
      await reportChecks(deps, req.orgId, parseBody(checkReportsSchema, req.body()).reports);
      return success();
    },
  } satisfies Record<string, Operation>;
}
