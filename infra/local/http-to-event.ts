import type { IncomingMessage } from 'node:http';
import type { ApiEvent } from '#shared/http/event.ts';

import { MAX_REQUEST_BODY_BYTES } from '#shared/http/http-handler.ts';

/** Largest request body accepted: the functions' own limit, so both fronts refuse the same bodies. */
export const MAX_BODY_BYTES = MAX_REQUEST_BODY_BYTES;

export class BodyTooLargeError extends Error {}

/**
 * The whole body, up to `limit` (MAX_BODY_BYTES unless the route says otherwise). Past that, the rest is read and thrown away (never kept),
 * then BodyTooLargeError: the connection stays in step, so the client's next request on it works.
 */
export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  // Events, not an async iterator: the iterator's machinery cost more than the reading per post.
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    req.once('end', () =>
      size > limit
        ? reject(new BodyTooLargeError(`Request body is too large (at most ${limit} bytes).`))
        : resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)),
    );
    req.once('error', reject);
    req.once('close', () => req.complete || reject(new Error('The request was aborted.')));
  });
}

/**
 * Whether API Gateway would hand the body over as text: a textual media type and no content
 * encoding. Anything else (OTLP's protobuf, a gzipped body) arrives base64-encoded, as there.
 */
export function isTextBody(headers: Record<string, string>): boolean {
  if (headers['content-encoding'] && headers['content-encoding'] !== 'identity') return false;
  const type = (headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  return (
    type === '' ||
    type.startsWith('text/') ||
    /^application\/([\w.+-]*\+)?(json|xml|x-www-form-urlencoded|javascript)$/.test(type)
  );
}

/** Header names lowercased and repeated values comma-joined, as API Gateway's v2 payload has them. */
export function headersOf(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  return headers;
}

let requests = 0;

/** The API Gateway HTTP API (payload format 2.0) event a Lambda handler would receive for this request. */
export function toApiEvent(req: IncomingMessage, bytes: Buffer): ApiEvent {
  const target = req.url ?? '/';
  const q = target.indexOf('?');
  const rawPath = q === -1 ? target : target.slice(0, q);
  const rawQueryString = q === -1 ? '' : target.slice(q + 1);
  const method = req.method ?? 'GET';
  const headers = headersOf(req);
  const text = isTextBody(headers);
  const body = bytes.length === 0 ? '' : bytes.toString(text ? 'utf8' : 'base64');
  const now = Date.now();
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString,
    headers,
    ...(body !== '' && { body }),
    isBase64Encoded: body !== '' && !text,
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'local',
      requestId: `local-${++requests}`,
      routeKey: '$default',
      stage: '$default',
      time: String(now),
      timeEpoch: now,
      http: {
        method,
        path: rawPath,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
    },
  };
}
