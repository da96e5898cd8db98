import { outboundHttp } from '#shared/adapters/http/outbound-http.ts';
import { composeAwsDeps, sqsNotificationQueue } from '#shared/composition/aws.ts';
import {
  loadAwsConfig,
  loadLogLevel,
  loadMetricsConfig,
  loadMonitoringConfig,
  loadNotificationQueueUrl,
} from '#shared/config.ts';
import { createCheckerHandler } from '#shared/handlers/checker.ts';
import { createLogger } from '#shared/logging.ts';

const monitoring = loadMonitoringConfig();

/** EventBridge Scheduler, every minute: silent agents, missing service metrics, external and expression monitors. */
export const handler = createCheckerHandler(
  composeAwsDeps(
    loadAwsConfig(),
    loadMetricsConfig(),
    sqsNotificationQueue(loadNotificationQueueUrl()),
    loadMonitoringConfig(),
  ),
  {
    connectivityTimeoutSeconds: monitoring.connectivityTimeoutSeconds,
    http: outboundHttp({ allowPrivate: monitoring.allowPrivateTargets }),
  },
  createLogger({ level: loadLogLevel(), format: 'json' }),
);
