import { composeAwsDeps, noNotifications } from '#shared/composition/aws.ts';
import { loadAwsConfig, loadLogLevel, loadMetricsConfig, loadMonitoringConfig } from '#shared/config.ts';
import { createApiHandler } from '#shared/handlers/api.ts';
import { loadBundledConsole } from '#shared/http/console.ts';
import { createLogger } from '#shared/logging.ts';

const consoleFiles = loadBundledConsole();
/** Every /api/v0 route except the ingest ones, and the console and embed links. */
export const handler = createApiHandler(
  composeAwsDeps(loadAwsConfig(), loadMetricsConfig(), noNotifications, loadMonitoringConfig()),
  {
    logger: createLogger({ level: loadLogLevel(), format: 'json' }),
    ...(consoleFiles && { console: consoleFiles }),
  },
);
