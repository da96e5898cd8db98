import { composeAwsDeps, sqsForwarding, sqsNotificationQueue } from '#shared/composition/aws.ts';
import {
  loadAwsConfig,
  loadForwardConfig,
  loadLogLevel,
  loadMetricsConfig,
  loadMonitoringConfig,
  loadNotificationQueueUrl,
} from '#shared/config.ts';
import { createIngestHandler, LAMBDA_INGEST_CACHES } from '#shared/handlers/ingest.ts';
import { createLogger } from '#shared/logging.ts';

const deps = composeAwsDeps(
  loadAwsConfig(),
  loadMetricsConfig(),
  sqsNotificationQueue(loadNotificationQueueUrl()),
  loadMonitoringConfig(),
);

/** The hot path: metric posts and check reports, every agent, every minute; monitors evaluated on arrival. */
export const handler = createIngestHandler(deps, {
  logger: createLogger({ level: loadLogLevel(), format: 'json' }),
  ...LAMBDA_INGEST_CACHES,
  /** Mirroring to CloudWatch, when deployed with `-c forwardToCloudWatch=…`. */
  forwarding: sqsForwarding(loadForwardConfig()),
});
