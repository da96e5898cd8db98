import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { composeAwsDeps, noNotifications } from '#shared/composition/aws.ts';
import { loadAwsConfig, loadLogLevel, loadMetricsConfig, loadMonitoringConfig } from '#shared/config.ts';
import { createApiHandler } from '#shared/handlers/api.ts';
import type { ConsoleFiles } from '#shared/http/console.ts';
import { createLogger } from '#shared/logging.ts';

/** The console, built into the bundle's `console/` folder at synth (infra/constructs/saba-function.ts). */
function loadConsole(): ConsoleFiles | undefined {
  const dir = fileURLToPath(new URL('./console/', import.meta.url));
  if (!existsSync(dir)) return undefined;
  return Object.fromEntries(readdirSync(dir).map((name) => [name, readFileSync(`${dir}${name}`, 'utf8')]));
}

const consoleFiles = loadConsole();
/** Every /api/v0 route except the ingest ones, and the console and embed links. */
export const handler = createApiHandler(
  composeAwsDeps(loadAwsConfig(), loadMetricsConfig(), noNotifications, loadMonitoringConfig()),
  {
    logger: createLogger({ level: loadLogLevel(), format: 'json' }),
    ...(consoleFiles && { console: consoleFiles }),
  },
);
