import { createServer, type Server, type ServerResponse } from 'node:http';
import type { Context } from 'aws-lambda';
import type { AuthContext } from '#shared/http/event.ts';
import type { HttpHandler } from '#shared/http/http-handler.ts';
import { errorResult, toErrorResult } from '#shared/http/reply.ts';
import { createRouter } from '#shared/http/router.ts';
import { type FunctionName, ROUTES } from '#shared/http/routes.ts';
import { BodyTooLargeError, readBody, toApiEvent } from './http-to-event.ts';

export interface LocalServerParts {
  /** One handler per Lambda function, the very ones the functions export on AWS. */
  handlers: Record<FunctionName, HttpHandler>;
  authorize: (apiKey: string | undefined) => Promise<AuthContext>;
  log?: (line: string) => void;
}

const route = createRouter(ROUTES);

const lambdaContext = (fn: FunctionName): Context =>
  ({ functionName: `saba-${fn}`, awsRequestId: 'local', getRemainingTimeInMillis: () => 30_000 }) as Context;

function send(
  res: ServerResponse,
  result: { statusCode: number; headers?: Record<string, unknown>; body: string },
) {
  res.writeHead(result.statusCode, result.headers as Record<string, string>);
  res.end(result.body);
}

/**
 * Plain HTTP in, API Gateway v2 events out: authorizer first (as API Gateway does), then the handler
 * of the function that owns the route; unknown routes go to the api function, which answers 404.
 */
export function createLocalServer({ handlers, authorize, log = console.log }: LocalServerParts): Server {
  return createServer(async (req, res) => {
    const started = performance.now();
    try {
      const body = await readBody(req);
      const key = req.headers['x-api-key'];
      const auth = await authorize(Array.isArray(key) ? key[0] : key);
      const event = toApiEvent(req, body, auth);
      const fn = route(event.requestContext.http.method, event.rawPath)?.route.fn ?? 'api';
      send(res, await handlers[fn](event, lambdaContext(fn)));
    } catch (err) {
      send(
        res,
        err instanceof BodyTooLargeError
          ? errorResult(413, 'Request body is too large.')
          : toErrorResult(err),
      );
    } finally {
      const ms = (performance.now() - started).toFixed(1);
      log(`${req.method} ${req.url?.split('?')[0]} ${res.statusCode} ${ms}ms`);
    }
  });
}
