import type { MetricOwner } from '../../domain/metrics.ts';

export interface SeriesRow {
  id: number;
  org: string;
  kind: MetricOwner['kind'];
  owner: string;
  name: string;
  hidden: boolean;
}

const keyOf = (org: string, kind: string, owner: string, name: string) =>
  `${org}\0${kind}\0${owner}\0${name}`;
const ownerKey = (org: string, kind: string, owner: string) => `${org}\0${kind}\0${owner}`;

/** The series dictionary, kept in memory: (org, owner, name) ↔ integer id, names per owner. */
export class SeriesIndex {
  readonly #byKey = new Map<string, SeriesRow>();
  readonly #byOwner = new Map<string, SeriesRow[]>();
  #nextId = 1;

  load(rows: SeriesRow[]): void {
    for (const row of rows) this.#add(row);
  }

  #add(row: SeriesRow): void {
    this.#byKey.set(keyOf(row.org, row.kind, row.owner, row.name), row);
    const k = ownerKey(row.org, row.kind, row.owner);
    const list = this.#byOwner.get(k) ?? [];
    list.push(row);
    this.#byOwner.set(k, list);
    this.#nextId = Math.max(this.#nextId, row.id + 1);
  }

  find(org: string, owner: MetricOwner, name: string): SeriesRow | undefined {
    return this.#byKey.get(keyOf(org, owner.kind, owner.id, name));
  }

  /** The row for a series, creating it (not yet persisted: `created` says so) when new. */
  ensure(org: string, owner: MetricOwner, name: string): { row: SeriesRow; created: boolean } {
    const found = this.find(org, owner, name);
    if (found) return { row: found, created: false };
    const row: SeriesRow = {
      id: this.#nextId++,
      org,
      kind: owner.kind,
      owner: owner.id,
      name,
      hidden: false,
    };
    this.#add(row);
    return { row, created: true };
  }

  ofOwner(org: string, owner: MetricOwner): SeriesRow[] {
    return this.#byOwner.get(ownerKey(org, owner.kind, owner.id)) ?? [];
  }

  byId(): Map<number, SeriesRow> {
    return new Map([...this.#byKey.values()].map((r) => [r.id, r]));
  }
}
