import { composeAwsDeps, sqsForwarding, sqsNotificationQueue } from '#shared/composition/aws.ts';
import {
  loadAwsConfig,
  loadForwardConfig,
  loadLogLevel,
  loadMetricsConfig,
  loadMonitoringConfig,
  loadNotificationQueueUrl,
} from '#shared/config.ts';
import { createApiHandler } from '#shared/handlers/api.ts';
import { createIngestHandler, LAMBDA_INGEST_CACHES } from '#shared/handlers/ingest.ts';
import { loadBundledConsole } from '#shared/http/console.ts';
import { createHttpFunction } from '#shared/http/fronts/http-function.ts';
import { KeyCheck } from '#shared/http/key-check.ts';
import { createLogger } from '#shared/logging.ts';

// One composition for both handlers: the api path never sends a notification (only ingest opens
// alerts), and one key cache serves every route.
const deps = composeAwsDeps(
  loadAwsConfig(),
  loadMetricsConfig(),
  sqsNotificationQueue(loadNotificationQueueUrl()),
  loadMonitoringConfig(),
);
const logger = createLogger({ level: loadLogLevel(), format: 'json' });
const keys = new KeyCheck(deps);
const consoleFiles = loadBundledConsole();

/**
 * Every route, behind a Lambda function URL or an Application Load Balancer (the `ingress` setting):
 * the api and ingest functions' handlers in one function, and the access line those fronts do not
 * write.
 */
export const handler = createHttpFunction({
  handlers: {
    api: createApiHandler(deps, { logger, keys, ...(consoleFiles && { console: consoleFiles }) }),
    ingest: createIngestHandler(deps, {
      logger,
      keys,
      ...LAMBDA_INGEST_CACHES,
      forwarding: sqsForwarding(loadForwardConfig()),
    }),
  },
  writeLine: (line) => process.stdout.write(line),
  logError: (message, err) => logger.error(message, err),
});
