import type { Context } from 'aws-lambda';
import { apiOperations } from '../http/api-operations.ts';
import type { ConsoleFiles } from '../http/console.ts';
import type { ApiEvent, ApiResult } from '../http/event.ts';
import { createHttpHandler } from '../http/http-handler.ts';
import type { KeyCheck } from '../http/key-check.ts';
import { createPublicHandler, isPublicPath } from '../http/public.ts';
import type { Logger } from '../logging.ts';
import type { Deps } from '../ports/deps.ts';

export interface ApiHandler {
  (event: ApiEvent, context: Context): Promise<ApiResult>;
  /** The paths that need no key (the console and embed links), by path alone. */
  publicPath(path: string): Promise<ApiResult>;
}

/**
 * The api function: every /api/v0 route but the ingest ones (and API Gateway's $default, which
 * answers 404), and the public paths, which need no key. The Lambda entry file and
 * the local runtime both build it here.
 */
export function createApiHandler(
  deps: Deps,
  settings: { logger: Logger; console?: ConsoleFiles; keys?: KeyCheck },
): ApiHandler {
  const api = createHttpHandler(apiOperations, deps, {
    logger: settings.logger,
    ...(settings.keys && { keys: settings.keys }),
  });
  const publicPath = createPublicHandler(deps, settings.console, (msg, err) =>
    settings.logger.error(msg, err),
  );
  const handler = (event: ApiEvent, context: Context) =>
    event.requestContext.http.method === 'GET' && isPublicPath(event.rawPath)
      ? publicPath(event.rawPath)
      : api(event, context);
  return Object.assign(handler, { publicPath });
}
