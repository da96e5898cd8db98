import type { EntityDeps } from '../ports/deps.ts';
import { type Authentication, authenticate } from '../use-cases/admin.ts';

/** How long a key's answer is reused in one process (a revoked key stops working within it). */
export const KEY_CACHE_MS = 60_000;
/** Past this many cached keys the cache starts over (random keys must not grow it without bound). */
const MAX_CACHED_KEYS = 10_000;

/**
 * The `X-Api-Key` check, done by the function that answers the request, on every front alike (the
 * local server, API Gateway's HTTP API): one read of the key's item, then its answer reused for
 * `ttlMs` per process, as a gateway authorizer's result cache would. A missing or unknown key gets
 * Mackerel's own 401/403 body from the function; an authorizer in front could not answer a request
 * without the header in Mackerel's shape (API Gateway answers it itself). The cache holds the raw
 * header only in this process's memory; what is stored is its hash.
 */
export class KeyCheck {
  readonly #cache = new Map<string, { at: number; auth: Authentication }>();
  readonly #deps: EntityDeps;
  readonly #ttlMs: number;
  readonly #now: () => number;

  constructor(deps: EntityDeps, ttlMs = KEY_CACHE_MS, now: () => number = Date.now) {
    this.#deps = deps;
    this.#ttlMs = ttlMs;
    this.#now = now;
  }

  async check(key: string | undefined): Promise<Authentication> {
    if (!key) return authenticate(this.#deps, key);
    const hit = this.#cache.get(key);
    if (hit && this.#now() - hit.at < this.#ttlMs) return hit.auth;
    const auth = await authenticate(this.#deps, key);
    if (this.#cache.size >= MAX_CACHED_KEYS) this.#cache.clear();
    this.#cache.set(key, { at: this.#now(), auth });
    return auth;
  }
}

/**
 * The key of a request, from its (lowercased, API Gateway v2) headers: `X-Api-Key`, or
 * `Mackerel-Api-Key`, the header Mackerel's OTLP endpoint takes.
 */
export const apiKeyOf = (headers: Record<string, string | undefined> | undefined): string | undefined =>
  headers?.['x-api-key'] ?? headers?.['mackerel-api-key'];
