import { outboundHttp } from '#shared/adapters/http/outbound-http.ts';
import { composeAwsDeps } from '#shared/composition/aws.ts';
import {
  loadAwsConfig,
  loadLogLevel,
  loadMetricsConfig,
  loadMonitoringConfig,
  loadNotificationQueueUrl,
} from '#shared/config.ts';
import { createLogger } from '#shared/logging.ts';
import { type CheckerRunStats, runChecker } from '#shared/use-cases/monitoring/checker.ts';

const deps = composeAwsDeps(loadAwsConfig(), loadMetricsConfig(), loadNotificationQueueUrl());
const monitoring = loadMonitoringConfig();
const http = outboundHttp({ allowPrivate: monitoring.allowPrivateTargets });
const logger = createLogger({ level: loadLogLevel(), format: 'json' });

/** EventBridge Scheduler, every minute: silent agents, missing service metrics, external and expression monitors. */
export const handler = async (): Promise<CheckerRunStats> => {
  const stats = await runChecker(
    deps,
    { connectivityTimeoutSeconds: monitoring.connectivityTimeoutSeconds, http },
    (msg, err) => logger.error(msg, err),
  );
  logger.info('checker run', { ...stats });
  return stats;
};
