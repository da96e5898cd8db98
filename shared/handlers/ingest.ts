import { createHttpHandler, type HttpHandler } from '../http/http-handler.ts';
import type { KeyCheck } from '../http/key-check.ts';
import { createIngestOperations } from '../http/operations/ingest.ts';
import type { Logger } from '../logging.ts';
import type { Deps } from '../ports/deps.ts';
import type { Forwarding } from '../use-cases/forwarding/forward-metrics.ts';
import { KnownSeries } from '../use-cases/labeled/known-series.ts';
import { WritableOwners } from '../use-cases/metrics/writable-owners.ts';
import { MonitorDirectory } from '../use-cases/monitoring/monitor-directory.ts';

/** What differs between the ingest function on AWS and the local server: settings, never code. */
export interface IngestSettings {
  logger: Logger;
  /** How long an organization's monitors and a host's status are reused (a change applies within it). */
  monitorCacheMs: number;
  /** How long a live host or service is remembered as writable. */
  ownersCacheMs: number;
  /** The key cache (default: one of this handler's own). */
  keys?: KeyCheck;
  /** Mirroring to CloudWatch, when it is on. */
  forwarding?: Forwarding | undefined;
}

/** The caches of the ingest path on Lambda (the ingest function's, and the HTTP function's behind a function URL or a load balancer). */
export const LAMBDA_INGEST_CACHES = {
  /** A changed monitor or host status reaches a warm container within this time. */
  monitorCacheMs: 30_000,
  /** Live hosts: a retirement or status change reaches every container within a minute. */
  ownersCacheMs: 60_000,
} as const;

/**
 * The ingest function (metric posts and check reports): one host/service cache and one monitor
 * cache per process. The Lambda entry file and the local runtime both build it here.
 */
export function createIngestHandler(deps: Deps, settings: IngestSettings): HttpHandler {
  const owners = new WritableOwners(deps.clock, settings.ownersCacheMs);
  const operations = createIngestOperations({
    owners,
    monitors: new MonitorDirectory(settings.monitorCacheMs, owners.hosts),
    logger: settings.logger,
    forwarding: settings.forwarding,
    knownSeries: new KnownSeries(),
  });
  return createHttpHandler(operations, deps, {
    logger: settings.logger,
    ...(settings.keys && { keys: settings.keys }),
  });
}
