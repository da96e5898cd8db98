import type { MetricPoint } from '../../domain/metrics.ts';

/**
 * What local mode keeps in memory beside DuckDB: the newest point of each series and when each
 * host last posted. Derived state: rebuilt from the tables at open, updated after each commit.
 */
export class DerivedState {
  readonly #latest = new Map<number, MetricPoint>();
  readonly #seen = new Map<string, Map<string, number>>();

  /** Keeps the newer point; a late older one never replaces it. */
  offer(seriesId: number, point: MetricPoint): void {
    const prev = this.#latest.get(seriesId);
    if (!prev || point.time >= prev.time) this.#latest.set(seriesId, point);
  }

  latest(seriesId: number): MetricPoint | undefined {
    return this.#latest.get(seriesId);
  }

  markSeen(org: string, hostId: string, at: number): void {
    const hosts = this.#seen.get(org) ?? new Map<string, number>();
    hosts.set(hostId, Math.max(at, hosts.get(hostId) ?? 0));
    this.#seen.set(org, hosts);
  }

  lastSeen(org: string): Record<string, number> {
    return Object.fromEntries(this.#seen.get(org) ?? []);
  }
}
