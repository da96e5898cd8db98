import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Context } from 'aws-lambda';
import { composeAwsDeps } from '#shared/composition/aws.ts';
import { loadAwsConfig, loadLogLevel, loadMetricsConfig, loadNotificationQueueUrl } from '#shared/config.ts';
import { apiOperations } from '#shared/http/api-operations.ts';
import type { ConsoleFiles } from '#shared/http/console.ts';
import type { ApiEvent } from '#shared/http/event.ts';
import { createHttpHandler } from '#shared/http/http-handler.ts';
import { createPublicHandler, isPublicPath } from '#shared/http/public.ts';
import { createLogger } from '#shared/logging.ts';

const deps = composeAwsDeps(loadAwsConfig(), loadMetricsConfig(), loadNotificationQueueUrl());
const logger = createLogger({ level: loadLogLevel(), format: 'json' });
const apiHandler = createHttpHandler(apiOperations, deps, { logger });

/** The console, built into the bundle's `console/` folder at synth (infra/constructs/saba-function.ts). */
function loadConsole(): ConsoleFiles | undefined {
  const dir = fileURLToPath(new URL('./console/', import.meta.url));
  if (!existsSync(dir)) return undefined;
  return Object.fromEntries(readdirSync(dir).map((name) => [name, readFileSync(`${dir}${name}`, 'utf8')]));
}
const publicPaths = createPublicHandler(deps, loadConsole(), (msg, err) => logger.error(msg, err));

/**
 * Every /api/v0 route except the ingest ones (and API Gateway's $default, which answers 404), and
 * the public paths: the console and embed links (routes without the authorizer).
 */
export const handler = (event: ApiEvent, context: Context) =>
  event.requestContext.http.method === 'GET' && isPublicPath(event.rawPath)
    ? publicPaths(event.rawPath)
    : apiHandler(event, context);
