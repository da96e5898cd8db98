import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { allows } from '../domain/api-key.ts';
import { ForbiddenError, NotFoundError, PayloadTooLargeError, UnauthorizedError } from '../errors.ts';
import type { Logger } from '../logging.ts';
import type { Deps } from '../ports/deps.ts';
import type { ApiEvent, ApiResult } from './event.ts';
import { apiKeyOf, KeyCheck } from './key-check.ts';
import { gzipWhenAccepted, mackerelErrors, noteOrg, requestLog } from './middleware.ts';
import type { Operation } from './operations/operation.ts';
import { toApiRequest } from './request.ts';
import { createRouter } from './router.ts';
import { type OperationName, ROUTES, type RouteSpec } from './routes.ts';

export type HttpHandler = (event: ApiEvent, context: Context) => Promise<ApiResult>;

const route = createRouter(ROUTES);

/**
 * The largest request body saba takes, on every front: 4 MiB. Lambda refuses an event over 6 MB
 * (the body inside it grows by JSON escaping, and by a third when API Gateway base64-encodes it), so
 * below this every oversized body reaches the function and gets Mackerel's 413; the agent's largest
 * post (100 hosts' minute) is about 300 KB.
 */
export const MAX_REQUEST_BODY_BYTES = 4 * 1024 * 1024;

/** A route's body limit: its own, or every route's 4 MiB. */
export const bodyLimitOf = (spec: RouteSpec | undefined): number =>
  spec?.maxBodyBytes ?? MAX_REQUEST_BODY_BYTES;

const bodyBytes = (event: ApiEvent): number =>
  event.body === undefined
    ? 0
    : event.isBase64Encoded
      ? Math.floor((event.body.length * 3) / 4)
      : Buffer.byteLength(event.body);

/**
 * The Lambda handler of an HTTP function (api or ingest): the key → body size → route → permission
 * → operation; the answer gzipped when the client accepts it, and one log line per
 * request. Local mode calls exactly this with events built from plain HTTP (the local server logs
 * only what it answers itself).
 */
export function createHttpHandler(
  operations: Partial<Record<OperationName, Operation>>,
  deps: Deps,
  options: { logger: Logger; keys?: KeyCheck },
): HttpHandler {
  const keys = options.keys ?? new KeyCheck(deps);
  return middy<ApiEvent, ApiResult>()
    .use(requestLog(options.logger))
    .use(gzipWhenAccepted())
    .use(mackerelErrors(options.logger))
    .handler(async (event) => {
      // The key first, as the local server checks it before reading a body: the same answer on both.
      const auth = await keys.check(apiKeyOf(event.headers));
      if ('denied' in auth)
        throw auth.deniedStatus === 401
          ? new UnauthorizedError(auth.denied)
          : new ForbiddenError(auth.denied);
      const match = route(event.requestContext.http.method, event.rawPath);
      const limit = bodyLimitOf(match?.route);
      if (bodyBytes(event) > limit)
        throw new PayloadTooLargeError(`Request body is too large (at most ${limit} bytes).`);
      noteOrg(event, auth.orgId);
      const operation = match && operations[match.route.op];
      if (!match || !operation) throw new NotFoundError('API Not Found.');
      if (!allows(auth.permission, match.route.permission)) {
        throw new ForbiddenError('This API key does not have write permission.');
      }
      return operation(toApiRequest(event, auth.orgId, match.params), deps);
    }) as HttpHandler;
}
