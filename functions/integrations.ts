import { awsCloudAccess } from '#shared/adapters/aws/cloud-account.ts';
import { composeAwsDeps, noNotifications } from '#shared/composition/aws.ts';
import { loadAwsConfig, loadLogLevel, loadMetricsConfig, loadMonitoringConfig } from '#shared/config.ts';
import { createIntegrationsHandler } from '#shared/handlers/integrations.ts';
import { createLogger } from '#shared/logging.ts';

/**
 * EventBridge Scheduler, every 5 minutes: the AWS integrations. Its role may describe, list and
 * read metrics (and assume the roles users name); it sends no notification (retiring a host closes
 * its alerts without one).
 */
export const handler = createIntegrationsHandler(
  composeAwsDeps(loadAwsConfig(), loadMetricsConfig(), noNotifications, loadMonitoringConfig()),
  awsCloudAccess,
  createLogger({ level: loadLogLevel(), format: 'json' }),
);
