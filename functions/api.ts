import { composeAwsDeps } from '#shared/composition/aws.ts';
import { loadAwsConfig, loadLogLevel, loadMetricsConfig, loadNotificationQueueUrl } from '#shared/config.ts';
import { apiOperations } from '#shared/http/api-operations.ts';
import { createHttpHandler } from '#shared/http/http-handler.ts';
import { createLogger } from '#shared/logging.ts';

/** Every /api/v0 route except the ingest ones (and API Gateway's $default, which answers 404). */
export const handler = createHttpHandler(
  apiOperations,
  composeAwsDeps(loadAwsConfig(), loadMetricsConfig(), loadNotificationQueueUrl()),
  { logger: createLogger({ level: loadLogLevel(), format: 'json' }) },
);
