import type { Clock } from '../../domain/clock.ts';
import { NotFoundError } from '../../errors.ts';
import type { Deps } from '../../ports/deps.ts';
import { HostCache } from '../hosts/host-cache.ts';

/**
 * Which hosts and services may receive points, remembered per process so the hot path does not read
 * the entity table on every post (hosts: see HostCache; services for `ttlMs`). Only positive answers
 * are remembered: a host registered a second ago can post at once, and a retired one is refused
 * within `ttlMs`.
 */
export class WritableOwners {
  readonly #known = new Map<string, number>();
  readonly #ttlMs: number;
  readonly #clock: Clock;

  /** Shared with the monitor directory, so a post reads its host at most once. */
  readonly hosts: HostCache;

  constructor(clock: Clock, ttlMs = 60_000, hosts = new HostCache({ checkMs: ttlMs })) {
    this.#clock = clock;
    this.#ttlMs = ttlMs;
    this.hosts = hosts;
  }

  #fresh(key: string): boolean {
    const at = this.#known.get(key);
    return at !== undefined && this.#clock.now() - at < this.#ttlMs;
  }

  #remember(key: string): void {
    if (this.#known.size > 200_000) this.#known.clear();
    this.#known.set(key, this.#clock.now());
  }

  /** Every host named must be live (HostCache: a small read per host per hour per process). */
  async assertHosts(deps: Deps, orgId: string, hostIds: Iterable<string>): Promise<void> {
    const ids = [...new Set(hostIds)];
    const live = await this.hosts.live(deps, orgId, ids);
    const unknown = ids.find((id) => !live.has(id));
    if (unknown !== undefined) throw new NotFoundError(`Host Not Found: ${unknown}`);
  }

  async assertService(deps: Deps, orgId: string, name: string): Promise<void> {
    const key = `${orgId}\0s\0${name}`;
    if (this.#fresh(key)) return;
    if (!(await deps.entities.services.get(orgId, name))) throw new NotFoundError('Service Not Found.');
    this.#remember(key);
  }
}
