import type { HostSummary } from '../../domain/host.ts';
import type { Monitor } from '../../domain/monitoring/monitor.ts';
import type { EntityDeps } from '../../ports/deps.ts';
import { HostCache } from '../hosts/host-cache.ts';

/**
 * The monitors of an organization as the hot path sees them, kept for `ttlMs` per process so a post
 * does not read them every time (a changed monitor applies within that time). 0 keeps nothing.
 */
export class MonitorDirectory {
  readonly #cache = new Map<string, { at: number; value: Promise<unknown> }>();
  readonly ttlMs: number;
  readonly #hosts: HostCache;
  /** Host summaries come from `hosts`: pass the cache the post's liveness check fills (WritableOwners). */
  constructor(ttlMs: number, hosts = new HostCache({ checkMs: ttlMs })) {
    this.ttlMs = ttlMs;
    this.#hosts = hosts;
  }

  #remembered<T>(key: string, now: number, load: () => Promise<T>): Promise<T> {
    const hit = this.#cache.get(key);
    if (hit && now - hit.at < this.ttlMs) return hit.value as Promise<T>;
    const value = load();
    if (this.ttlMs > 0) {
      if (this.#cache.size > 100_000) this.#cache.clear();
      this.#cache.set(key, { at: now, value });
      value.catch(() => this.#cache.delete(key));
    }
    return value;
  }

  list(deps: EntityDeps, orgId: string): Promise<Monitor[]> {
    return this.#remembered(`m\0${orgId}`, deps.clock.now(), () => deps.entities.monitors.list(orgId));
  }

  /** The host's status and roles, which decide whether and how it is monitored. */
  async host(deps: EntityDeps, orgId: string, hostId: string): Promise<HostSummary | undefined> {
    return (await this.#hosts.live(deps, orgId, [hostId])).get(hostId);
  }
}
