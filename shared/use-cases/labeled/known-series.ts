/**
 * The series ids a process has seen indexed, per organization, so a post of known series reads
 * nothing from the index (series are only ever added). Bounded: past `max` ids it starts over.
 */
export class KnownSeries {
  readonly #ids = new Map<string, Set<string>>();
  #size = 0;
  readonly #max: number;
  constructor(max = 200_000) {
    this.#max = max;
  }
  unknown(orgId: string, ids: string[]): string[] {
    const known = this.#ids.get(orgId);
    return known ? ids.filter((id) => !known.has(id)) : ids;
  }
  remember(orgId: string, ids: Iterable<string>): void {
    for (const id of ids) {
      if (this.#size >= this.#max) {
        this.#ids.clear();
        this.#size = 0;
      }
      const known = this.#ids.get(orgId) ?? new Set<string>();
      this.#ids.set(orgId, known);
      if (!known.has(id)) {
        known.add(id);
        this.#size++;
      }
    }
  }
}
