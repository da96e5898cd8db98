import { composeAwsDeps, noNotifications } from '#shared/composition/aws.ts';
import { loadAwsConfig, loadLogLevel, loadMetricsConfig, loadMonitoringConfig } from '#shared/config.ts';
import { createAnomalyTrainingHandler } from '#shared/handlers/anomaly-training.ts';
import { createLogger } from '#shared/logging.ts';

/**
 * EventBridge Scheduler, hourly: trains the role anomaly models that are due. Its role reads metric
 * history and writes models to the entity table; it sends no notification.
 */
export const handler = createAnomalyTrainingHandler(
  composeAwsDeps(loadAwsConfig(), loadMetricsConfig(), noNotifications, loadMonitoringConfig()),
  createLogger({ level: loadLogLevel(), format: 'json' }),
);
