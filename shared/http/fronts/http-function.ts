import type { ALBEvent, ALBResult, Context } from 'aws-lambda';
import type { ApiEvent, ApiResult } from '../event.ts';
import type { HttpHandler } from '../http-handler.ts';
import { toErrorResult } from '../reply.ts';
import { createRouter } from '../router.ts';
import { type FunctionName, ROUTES } from '../routes.ts';
import type { AccessLine } from './access-log.ts';
import { fromAlbEvent, isAlbEvent, toAlbResult } from './alb.ts';

const route = createRouter(ROUTES);

/** The function whose handler answers a request: its route's; the api function's for every other path. */
export function functionFor(method: string, rawPath: string): FunctionName {
  try {
    return route(method, rawPath)?.route.fn ?? 'api';
  } catch {
    return 'api'; // a malformed path: the api function answers its 400
  }
}

export interface HttpFunctionParts {
  /** The api and ingest functions' handlers, exactly as they run behind the HTTP API. */
  handlers: Record<FunctionName, HttpHandler>;
  /** Where the access line goes (stdout: the function's log group). */
  writeLine: (line: string) => void;
  logError: (message: string, err: unknown) => void;
}

const bytesOf = (r: ApiResult): number => Buffer.byteLength(r.body, r.isBase64Encoded ? 'base64' : 'utf8');

/**
 * Every route in one function, for the fronts that reach a single function (a Lambda function URL)
 * or that route without API Gateway (an Application Load Balancer): the request goes to the api
 * or the ingest handler by the same route table API Gateway's routes are made from, so the key
 * check, limits, answers and errors are theirs. It writes the access line those fronts do not
 * keep, with the HTTP API's fields, and answers an error that escaped a handler with Mackerel's 500
 * (a function URL would answer it with a bare 502).
 */
export function createHttpFunction(parts: HttpFunctionParts) {
  return async (event: ApiEvent | ALBEvent, context: Context): Promise<ApiResult | ALBResult> => {
    const started = performance.now();
    const alb = isAlbEvent(event);
    const request = alb
      ? fromAlbEvent(
          event,
          event.headers?.['x-amzn-trace-id'] ??
            event.multiValueHeaders?.['x-amzn-trace-id']?.[0] ??
            context.awsRequestId,
        )
      : event;
    const { method, sourceIp } = request.requestContext.http;
    let result: ApiResult;
    let err = '-';
    try {
      result = await parts.handlers[functionFor(method, request.rawPath)](request, context);
    } catch (e) {
      err = e instanceof Error ? e.message : String(e);
      result = toErrorResult(e, parts.logError);
    }
    const line: AccessLine = {
      id: request.requestContext.requestId,
      ip: sourceIp,
      m: method,
      p: request.rawPath,
      s: String(result.statusCode),
      b: String(bytesOf(result)),
      ms: String(Math.round(performance.now() - started)),
      err,
    };
    parts.writeLine(`${JSON.stringify(line)}\n`);
    return alb ? toAlbResult(result) : result;
  };
}
