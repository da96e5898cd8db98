import { outboundHttp } from '#shared/adapters/http/outbound-http.ts';
import { composeAwsDeps, sqsNotificationQueue } from '#shared/composition/aws.ts';
import {
  loadAwsConfig,
  loadLogLevel,
  loadMetricsConfig,
  loadMonitoringConfig,
  loadNotificationQueueUrl,
} from '#shared/config.ts';
import { createCheckerWorkerHandler } from '#shared/handlers/checker-worker.ts';
import { createLogger } from '#shared/logging.ts';

const monitoring = loadMonitoringConfig();

/**
 * SQS, the checker queue: each record is one job of the scheduled checker (an organization's
 * service, external, expression, anomaly detection or query monitors), evaluated as of its run.
 */
export const handler = createCheckerWorkerHandler(
  composeAwsDeps(
    loadAwsConfig(),
    loadMetricsConfig(),
    sqsNotificationQueue(loadNotificationQueueUrl()),
    monitoring,
  ),
  outboundHttp({ allowPrivate: monitoring.allowPrivateTargets }),
  createLogger({ level: loadLogLevel(), format: 'json' }),
);
