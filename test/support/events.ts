import type { Permission } from '#shared/domain/api-key.ts';
import type { ApiEvent } from '#shared/http/event.ts';
import type { EntityDeps } from '#shared/ports/deps.ts';
import { createApiKey } from '#shared/use-cases/admin.ts';

/** The test key of an organization and permission (registered by `addTestKeys`). */
export const testKey = (org: string, permission: Permission = 'write'): string =>
  `test-${permission}-key-of-${org}`;

/** Registers the organization's read-write and read-only test keys. */
export async function addTestKeys(deps: EntityDeps, org: string): Promise<void> {
  await createApiKey(deps, org, 'write', 'test write key', testKey(org, 'write'));
  await createApiKey(deps, org, 'read', 'test read key', testKey(org, 'read'));
}

/** The API Gateway (HTTP API, payload 2.0) event of a request with `org`'s test key (see addTestKeys). */
export function apiEvent(
  method: string,
  path: string,
  body?: unknown,
  options: { org?: string; query?: string; permission?: Permission } = {},
): ApiEvent {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: options.query ?? '',
    headers: {
      'content-type': 'application/json',
      'x-api-key': testKey(options.org ?? 'acme', options.permission ?? 'write'),
    },
    ...(body !== undefined && { body: JSON.stringify(body) }),
    isBase64Encoded: false,
    requestContext: { http: { method, path } },
  } as unknown as ApiEvent;
}
