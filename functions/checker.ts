import { awsCloudAccess } from '#shared/adapters/aws/cloud-account.ts';
import { outboundHttp } from '#shared/adapters/http/outbound-http.ts';
import { sqsJobQueue } from '#shared/adapters/sqs/job-queue.ts';
import { composeAwsDeps, sqsNotificationQueue } from '#shared/composition/aws.ts';
import {
  loadAwsConfig,
  loadCheckerQueueUrl,
  loadLogLevel,
  loadMetricsConfig,
  loadMonitoringConfig,
  loadNotificationQueueUrl,
} from '#shared/config.ts';
import { createCheckerHandler } from '#shared/handlers/checker.ts';
import { quietScaleIn } from '#shared/handlers/integrations.ts';
import { createLogger } from '#shared/logging.ts';

const monitoring = loadMonitoringConfig();
const logger = createLogger({ level: loadLogLevel(), format: 'json' });

/**
 * EventBridge Scheduler, every minute: silent agents here; every other monitor the checker evaluates
 * goes to the checker queue as bounded jobs, which the checker worker takes.
 */
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
    // Silent hosts on terminated EC2 instances are retired, not alerted on (ec2:DescribeInstances).
    beforeSilenceAlert: quietScaleIn(awsCloudAccess, logger),
  },
  logger,
  sqsJobQueue(loadCheckerQueueUrl()),
);
