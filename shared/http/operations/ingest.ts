import { allSettledOrThrow } from '../../concurrency.ts';
import type { Logger } from '../../logging.ts';
import { checkReportsSchema } from '../../schemas/checks.ts';
import { parseMetricBody } from '../../schemas/metrics.ts';
import { parseBody } from '../../schemas/parse.ts';
import {
  type Forwarding,
  forwardHostPoints,
  forwardServicePoints,
} from '../../use-cases/forwarding/forward-metrics.ts';
import type { KnownSeries } from '../../use-cases/labeled/known-series.ts';
import {
  type DroppedPoints,
  postHostMetrics,
  postServiceMetrics,
} from '../../use-cases/metrics/post-metrics.ts';
import type { WritableOwners } from '../../use-cases/metrics/writable-owners.ts';
import { recordAnomalyFeatures } from '../../use-cases/monitoring/anomaly-features.ts';
import { reportChecks } from '../../use-cases/monitoring/check-reports.ts';
import {
  evaluateHostMetricMonitors,
  evaluateServiceMetricMonitors,
} from '../../use-cases/monitoring/evaluate-metrics.ts';
import type { MonitorDirectory } from '../../use-cases/monitoring/monitor-directory.ts';
import { recordRoleSeries } from '../../use-cases/monitoring/role-series.ts';
import type { ApiResult } from '../event.ts';
import { success } from '../reply.ts';
import { otlpExport } from './labeled.ts';
import { type Operation, param } from './operation.ts';

export interface IngestParts {
  owners: WritableOwners;
  monitors: MonitorDirectory;
  logger: Logger;
  /** Mirroring to CloudWatch, when it is on. */
  forwarding?: Forwarding | undefined;
  /** Labeled series this process has seen indexed. */
  knownSeries: KnownSeries;
}

/**
 * `{"success":true}`, as Mackerel answers whether or not it kept the points, with what was stored
 * and dropped (and why) for the request's log line, which is a warning when anything was dropped.
 */
function stored(count: number, dropped: DroppedPoints): ApiResult {
  const any = dropped.tooOld + dropped.future > 0;
  return {
    ...success(),
    logFields: {
      points: count,
      ...(any && { droppedTooOld: dropped.tooOld, droppedFuture: dropped.future }),
    },
    ...(any && { logLevel: 'warn' as const }),
  };
}

/**
 * The ingest function's operations. The use case decides which points are accepted and returns
 * them; monitors and forwarding see exactly those, never the raw request. Monitors are evaluated
 * after the points are durable, and a failure there is logged while the post still answers 200 (a
 * 5xx would only make the agent send them again); a failed forward fails the post, so the agent
 * sends it again.
 */
export function createIngestOperations({ owners, monitors, logger, forwarding, knownSeries }: IngestParts) {
  const evaluateQuietly = async (work: () => Promise<void>, org: string) => {
    try {
      await work();
    } catch (err) {
      logger.error('monitor evaluation failed', err, { org });
    }
  };
  return {
    postHostMetrics: async (req, deps) => {
      const accepted = await postHostMetrics(deps, owners, req.orgId, parseMetricBody(req.body(), true));
      await Promise.all([
        evaluateQuietly(async () => {
          for (const [hostId, list] of accepted.byHost) {
            await allSettledOrThrow([
              evaluateHostMetricMonitors(deps, monitors, req.orgId, hostId, list),
              recordAnomalyFeatures(deps, monitors, req.orgId, hostId, list),
              recordRoleSeries(deps, monitors, req.orgId, hostId, list),
            ]);
          }
        }, req.orgId),
        forwarding && forwardHostPoints(deps, forwarding, monitors, req.orgId, accepted.byHost),
      ]);
      return stored(accepted.stored, accepted.dropped);
    },
    postServiceMetrics: async (req, deps) => {
      const service = param(req, 'serviceName');
      const posted = parseMetricBody(req.body(), false);
      const accepted = await postServiceMetrics(deps, owners, req.orgId, service, posted);
      await Promise.all([
        evaluateQuietly(
          () => evaluateServiceMetricMonitors(deps, monitors, req.orgId, service, accepted.points),
          req.orgId,
        ),
        forwarding && forwardServicePoints(forwarding, req.orgId, service, accepted.points),
      ]);
      return stored(accepted.stored, accepted.dropped);
    },
    exportOtlpMetrics: otlpExport(knownSeries),
    reportChecks: async (req, deps) => {
      await reportChecks(deps, req.orgId, parseBody(checkReportsSchema, req.body()).reports);
      return success();
    },
  } satisfies Record<string, Operation>;
}
