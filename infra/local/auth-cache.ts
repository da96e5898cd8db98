import type { AuthContext } from '#shared/http/event.ts';

/**
 * The local stand-in for API Gateway's authorizer result cache: one answer per key value for `ttlMs`.
 * Keys are hashed by the authorizer anyway; the cache holds the raw header only in memory.
 */
export function cachedAuthorizer(
  authorize: (key: string | undefined) => Promise<AuthContext>,
  ttlMs: number,
  now: () => number = Date.now,
) {
  const cache = new Map<string, { at: number; auth: AuthContext }>();
  return async (key: string | undefined): Promise<AuthContext> => {
    if (key === undefined) return authorize(key);
    const hit = cache.get(key);
    if (hit && now() - hit.at < ttlMs) return hit.auth;
    const auth = await authorize(key);
    if (cache.size > 10_000) cache.clear();
    cache.set(key, { at: now(), auth });
    return auth;
  };
}
