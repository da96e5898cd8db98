import { createServer, type Server, type ServerResponse } from 'node:http';
import type { Context } from 'aws-lambda';
import type { ApiResult } from '#shared/http/event.ts';
import type { HttpHandler } from '#shared/http/http-handler.ts';
import { bodyLimitOf } from '#shared/http/http-handler.ts';
import { apiKeyOf } from '#shared/http/key-check.ts';
import { isPublicPath } from '#shared/http/public.ts';
import { errorResult, toErrorResult } from '#shared/http/reply.ts';
import { createRouter } from '#shared/http/router.ts';
import { type FunctionName, ROUTES } from '#shared/http/routes.ts';
import type { Logger } from '#shared/logging.ts';
import type { Authentication } from '#shared/use-cases/admin.ts';
import { BodyTooLargeError, headersOf, readBody, toApiEvent } from './http-to-event.ts';

export interface LocalServerParts {
  /** One handler per Lambda function, the very ones the functions export on AWS. */
  handlers: Record<FunctionName, HttpHandler>;
  /** The same cached key check the functions make (a refused key is answered before its body is read). */
  authorize: (apiKey: string | undefined) => Promise<Authentication>;
  logger: Logger;
  /** The answers needing no key: the console and embed links (shared/http/public.ts). */
  publicPaths?: (path: string) => Promise<ApiResult>;
}

const route = createRouter(ROUTES);

const lambdaContext = (fn: FunctionName): Context =>
  ({ functionName: `saba-${fn}`, awsRequestId: 'local', getRemainingTimeInMillis: () => 30_000 }) as Context;

/**
 * Writes the answer (base64 bodies as bytes, as API Gateway does) with its length, and returns that
 * length. A text body goes out as a string, which Node sends in one write with the head; a length
 * spares the chunked framing.
 */
function send(
  res: ServerResponse,
  result: { statusCode: number; headers?: Record<string, unknown>; body: string; isBase64Encoded?: boolean },
): number {
  const body = result.isBase64Encoded ? Buffer.from(result.body, 'base64') : result.body;
  const length = typeof body === 'string' ? Buffer.byteLength(body) : body.length;
  res.writeHead(result.statusCode, {
    ...(result.headers as Record<string, string>),
    'content-length': length,
  });
  res.end(body);
  return length;
}

/**
 * Plain HTTP in, API Gateway v2 events out: the key first (a request without a valid key is answered
 * by the api function, which checks the key again, and its connection closed, before its body is read),
 * then the body (API Gateway's 10 MB limit), then the handler of the function that owns the route;
 * unknown routes go to the api function, which answers 404. The console and embed links need no
 * key. One log line per request.
 */
export function createLocalServer({ handlers, authorize, logger, publicPaths }: LocalServerParts): Server {
  return createServer(async (req, res) => {
    const started = performance.now();
    let bytes = 0;
    let org: string | undefined;
    /** A Lambda handler answered: it logged the request itself, as on AWS. */
    let handled = false;
    try {
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      if ((req.method === 'GET' || req.method === 'HEAD') && publicPaths && isPublicPath(path)) {
        bytes = send(res, await publicPaths(path));
        return;
      }
      const auth = await authorize(apiKeyOf(headersOf(req)));
      if ('denied' in auth) {
        res.setHeader('connection', 'close');
        bytes = send(res, await handlers.api(toApiEvent(req, Buffer.alloc(0)), lambdaContext('api')));
        handled = true;
        return;
      }
      const spec = route(req.method ?? 'GET', path)?.route;
      const limit = bodyLimitOf(spec);
      // A declared body over the limit is refused at once; Node then reads and drops what was sent.
      if (Number(req.headers['content-length'] ?? 0) > limit)
        throw new BodyTooLargeError(`Request body is too large (at most ${limit} bytes).`);
      org = auth.orgId;
      const event = toApiEvent(req, await readBody(req, limit));
      const fn = spec?.fn ?? 'api';
      bytes = send(res, await handlers[fn](event, lambdaContext(fn)));
      handled = true;
    } catch (err) {
      bytes = send(
        res,
        err instanceof BodyTooLargeError
          ? errorResult(413, err.message)
          : toErrorResult(err, (msg, e) => logger.error(msg, e)),
      );
    } finally {
      if (!handled)
        logger.request({
          method: req.method ?? 'GET',
          target: (req.url ?? '/').replace(/\?$/, ''), // client-go's trailing bare ? is no query
          status: res.statusCode,
          ms: performance.now() - started,
          bytes,
          ...(org && { org }),
        });
    }
  });
}
