import { sqsForwardQueue } from '#shared/adapters/sqs/forward-queue.ts';
import { composeAwsDeps, sqsNotificationQueue } from '#shared/composition/aws.ts';
import {
  loadAwsConfig,
  loadForwardConfig,
  loadLogLevel,
  loadMetricsConfig,
  loadMonitoringConfig,
  loadNotificationQueueUrl,
} from '#shared/config.ts';
import { ForwardSelector } from '#shared/domain/forwarding.ts';
import { createIngestHandler } from '#shared/handlers/ingest.ts';
import { createLogger } from '#shared/logging.ts';

const deps = composeAwsDeps(
  loadAwsConfig(),
  loadMetricsConfig(),
  sqsNotificationQueue(loadNotificationQueueUrl()),
  loadMonitoringConfig(),
);
const forward = loadForwardConfig();

/** The hot path: metric posts and check reports, every agent, every minute; monitors evaluated on arrival. */
export const handler = createIngestHandler(deps, {
  logger: createLogger({ level: loadLogLevel(), format: 'json' }),
  /** A changed monitor or host status reaches a warm container within this time. */
  monitorCacheMs: 30_000,
  /** Live hosts: a retirement or status change reaches every container within a minute. */
  ownersCacheMs: 60_000,
  /** Mirroring to CloudWatch, when deployed with `-c forwardToCloudWatch=…`. */
  forwarding: forward && {
    selector: new ForwardSelector(forward.rules),
    queue: sqsForwardQueue(forward.queueUrl),
  },
});
