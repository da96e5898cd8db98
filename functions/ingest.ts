import { sqsForwardQueue } from '#shared/adapters/sqs/forward-queue.ts';
import { composeAwsDeps } from '#shared/composition/aws.ts';
import {
  loadAwsConfig,
  loadForwardConfig,
  loadLogLevel,
  loadMetricsConfig,
  loadNotificationQueueUrl,
} from '#shared/config.ts';
import { ForwardSelector } from '#shared/domain/forwarding.ts';
import { createHttpHandler } from '#shared/http/http-handler.ts';
import { createIngestOperations } from '#shared/http/operations/ingest.ts';
import { createLogger } from '#shared/logging.ts';
import { WritableOwners } from '#shared/use-cases/metrics/writable-owners.ts';
import { MonitorDirectory } from '#shared/use-cases/monitoring/monitor-directory.ts';

const deps = composeAwsDeps(loadAwsConfig(), loadMetricsConfig(), loadNotificationQueueUrl());
const forward = loadForwardConfig();
/** Mirroring to CloudWatch, when deployed with `-c forwardToCloudWatch=…`. */
const forwarding = forward && {
  selector: new ForwardSelector(forward.rules),
  queue: sqsForwardQueue(forward.queueUrl),
};
/** A changed monitor or host status reaches a warm container within this time. */
const MONITOR_CACHE_MS = 30_000;
/** Live hosts: a retirement or status change reaches every container within a minute. */
const owners = new WritableOwners(deps.clock);

/** The hot path: metric posts and check reports, every agent, every minute; monitors evaluated on arrival. */
export const handler = createHttpHandler(
  createIngestOperations(owners, new MonitorDirectory(MONITOR_CACHE_MS, owners.hosts), forwarding),
  deps,
  { logger: createLogger({ level: loadLogLevel(), format: 'json' }) },
);
