import { HttpError } from '../errors.ts';
import type { ApiResult } from './event.ts';

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8' };

/** Every answer is JSON: the Go clients decode every 2xx body and fail on an empty one. */
export function json(body: unknown, statusCode = 200, headers: Record<string, string> = {}): ApiResult {
  return { statusCode, headers: { ...JSON_HEADERS, ...headers }, body: JSON.stringify(body) };
}

/** A body that is already JSON text (stored metadata), sent byte for byte. */
export function rawJson(text: string, headers: Record<string, string> = {}): ApiResult {
  return { statusCode: 200, headers: { ...JSON_HEADERS, ...headers }, body: text };
}

export const success = (): ApiResult => json({ success: true });

export const errorResult = (statusCode: number, message: string): ApiResult =>
  json({ error: { message } }, statusCode);

/**
 * The one error mapper: errors below 500 are shown to callers in Mackerel's shape; anything else
 * becomes a generic 500, with the details in the log only.
 */
export function toErrorResult(err: unknown, log: (msg: string, err: unknown) => void): ApiResult {
  if (err instanceof HttpError && err.status < 500) return errorResult(err.status, err.message);
  log('unhandled error', err);
  return errorResult(500, 'Internal Server Error');
}
