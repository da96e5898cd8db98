import { gzipSync } from 'node:zlib';
import type { MiddlewareObj } from '@middy/core';
import type { Logger } from '../logging.ts';
import type { ApiEvent, ApiResult } from './event.ts';
import { toErrorResult } from './reply.ts';

/** Turns any thrown error into Mackerel's `{"error":{"message":…}}` body (500s stay generic). */
export function mackerelErrors(logger: Logger): MiddlewareObj<ApiEvent, ApiResult> {
  return {
    onError: async (request) => {
      const result = toErrorResult(request.error, (msg, err) => logger.error(msg, err));
      request.response = request.event.rawPath.startsWith('/api/v1/') ? prometheusShaped(result) : result;
    },
  };
}

/**
 * Prometheus's API (`/api/v1/…`) fails in Prometheus's shape, which its clients (Grafana) read:
 * `{"status":"error","errorType":…,"error":"…"}`, the status kept.
 */
function prometheusShaped(result: ApiResult): ApiResult {
  const message = (JSON.parse(result.body) as { error?: { message?: string } }).error?.message ?? 'error';
  const errorType =
    result.statusCode === 400 ? 'bad_data' : result.statusCode >= 500 ? 'internal' : 'client_error';
  return { ...result, body: JSON.stringify({ status: 'error', errorType, error: message }) };
}

/** Answers smaller than this are sent as they are: gzip would save little. */
const GZIP_MIN_BYTES = 1024;

/**
 * Gzips the answer when the request accepts gzip (Go's client always does), as base64, which API
 * Gateway turns back into bytes. A large host list then fits Lambda's 6 MB response limit.
 */
export function gzipWhenAccepted(): MiddlewareObj<ApiEvent, ApiResult> {
  const compress = async (request: { event: ApiEvent; response: ApiResult | null | undefined }) => {
    const res = request.response;
    const accepts = /\bgzip\b/i.test(request.event.headers?.['accept-encoding'] ?? '');
    if (!res || !accepts || res.isBase64Encoded || Buffer.byteLength(res.body) < GZIP_MIN_BYTES) return;
    request.response = {
      ...res,
      headers: { ...res.headers, 'content-encoding': 'gzip', vary: 'accept-encoding' },
      body: gzipSync(res.body).toString('base64'),
      isBase64Encoded: true,
    };
  };
  return { after: compress, onError: compress };
}

/** The organization each request was authenticated for, for its log line. */
const orgs = new WeakMap<ApiEvent, string>();

/** Notes the organization a request's key belongs to (its log line carries it). */
export function noteOrg(event: ApiEvent, orgId: string): void {
  orgs.set(event, orgId);
}

/**
 * One line per answered request: method, path and query, status, time, size, organization, and the
 * operation's own `logFields` (taken off the answer, which API Gateway never sees).
 */
export function requestLog(logger: Logger): MiddlewareObj<ApiEvent, ApiResult> {
  const started = new WeakMap<object, number>();
  const done = async (request: {
    event: ApiEvent;
    response: ApiResult | null | undefined;
    context: { awsRequestId?: string };
  }) => {
    const res = request.response;
    const fields = res?.logFields;
    const level = res?.logLevel;
    if (res) {
      delete res.logFields;
      delete res.logLevel;
    }
    const e = request.event;
    const q = e.rawQueryString ? `?${e.rawQueryString}` : '';
    const org = orgs.get(e);
    logger.request({
      method: e.requestContext.http.method,
      target: `${e.rawPath}${q}`,
      status: res?.statusCode ?? 500,
      ms: performance.now() - (started.get(e) ?? performance.now()),
      bytes: res ? Buffer.byteLength(res.body, res.isBase64Encoded ? 'base64' : 'utf8') : 0,
      ...(org && { org }),
      ...(request.context.awsRequestId && { requestId: request.context.awsRequestId }),
      ...fields,
      ...(level && { level }),
    });
  };
  return {
    before: async (request) => {
      logger.addContext(request.context);
      started.set(request.event, performance.now());
    },
    after: done,
    onError: done,
  };
}
