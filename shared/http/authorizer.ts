import type {
  APIGatewayRequestAuthorizerEventV2,
  APIGatewaySimpleAuthorizerWithContextResult,
} from 'aws-lambda';
import type { EntityDeps } from '../ports/deps.ts';
import { authenticate } from '../use-cases/admin.ts';
import type { AuthContext } from './event.ts';

export type AuthorizerResult = APIGatewaySimpleAuthorizerWithContextResult<AuthContext>;

/**
 * API Gateway caches this answer per key. An unknown key is let through with `denied` in the
 * context, so the function answers with Mackerel's error body (API Gateway's own 403 is not one).
 */
export function createAuthorizerHandler(deps: EntityDeps) {
  return async (event: Pick<APIGatewayRequestAuthorizerEventV2, 'headers'>): Promise<AuthorizerResult> => {
    const headers = event.headers ?? {};
    const key = Object.entries(headers).find(([name]) => name.toLowerCase() === 'x-api-key')?.[1];
    const auth = await authenticate(deps, key);
    return { isAuthorized: true, context: auth };
  };
}
