import type { ApiEvent } from '#shared/http/event.ts';

/** The API Gateway (HTTP API, payload 2.0) event of a request the authorizer let through for `org`. */
export function apiEvent(
  method: string,
  path: string,
  body?: unknown,
  options: { org?: string; query?: string; permission?: 'read' | 'write' } = {},
): ApiEvent {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: options.query ?? '',
    headers: { 'content-type': 'application/json' },
    ...(body !== undefined && { body: JSON.stringify(body) }),
    isBase64Encoded: false,
    requestContext: {
      http: { method, path },
      authorizer: { lambda: { orgId: options.org ?? 'acme', permission: options.permission ?? 'write' } },
    },
  } as unknown as ApiEvent;
}
