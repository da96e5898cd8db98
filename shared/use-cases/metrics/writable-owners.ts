import type { Clock } from '../../domain/clock.ts';
import { NotFoundError } from '../../errors.ts';
import type { Deps } from '../../ports/deps.ts';

/**
 * Which hosts and services may receive points, remembered for a short while per process, so the
 * hot path does not read the entity table on every post. Only positive answers are remembered: a
 * host registered a second ago can post at once, and a retired one is refused within `ttlMs`.
 */
export class WritableOwners {
  readonly #known = new Map<string, number>();
  readonly #ttlMs: number;
  readonly #clock: Clock;

  constructor(clock: Clock, ttlMs = 60_000) {
    this.#clock = clock;
    this.#ttlMs = ttlMs;
  }

  #fresh(key: string): boolean {
    const at = this.#known.get(key);
    return at !== undefined && this.#clock.now() - at < this.#ttlMs;
  }

  #remember(key: string): void {
    if (this.#known.size > 200_000) this.#known.clear();
    this.#known.set(key, this.#clock.now());
  }

  /** The hosts not seen lately are read in one batch (BatchGetItem of their summaries, 100 keys a request). */
  async assertHosts(deps: Deps, orgId: string, hostIds: Iterable<string>): Promise<void> {
    const missing = [...new Set(hostIds)].filter((id) => !this.#fresh(`${orgId}\0h\0${id}`));
    if (missing.length === 0) return;
    // Summaries first (a few hundred bytes each, half a read unit); the full host item only for a
    // host without one (saved before summaries existed, or retired).
    const live = new Set(
      (await deps.entities.hosts.getSummaries(orgId, missing)).filter((h) => !h.isRetired).map((h) => h.id),
    );
    const unsummarized = missing.filter((id) => !live.has(id));
    if (unsummarized.length > 0)
      for (const h of await deps.entities.hosts.getMany(orgId, unsummarized)) if (!h.isRetired) live.add(h.id);
    const unknown = missing.find((id) => !live.has(id));
    if (unknown !== undefined) throw new NotFoundError(`Host Not Found: ${unknown}`);
    for (const id of missing) this.#remember(`${orgId}\0h\0${id}`);
  }

  async assertService(deps: Deps, orgId: string, name: string): Promise<void> {
    const key = `${orgId}\0s\0${name}`;
    if (this.#fresh(key)) return;
    if (!(await deps.entities.services.get(orgId, name))) throw new NotFoundError('Service Not Found.');
    this.#remember(key);
  }
}
