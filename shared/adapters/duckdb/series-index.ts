import type { MetricOwner } from '../../domain/metrics.ts';

export interface SeriesRow {
  id: number;
  org: string;
  kind: MetricOwner['kind'];
  owner: string;
  name: string;
  hidden: boolean;
}

const ownerKey = (org: string, kind: string, owner: string) => `${org}\0${kind}\0${owner}`;

/**
 * The series dictionary, kept in memory: (org, owner, name) ↔ integer id. Owner first, then name,
 * so a post of 30 points builds one key, not 30.
 */
export class SeriesIndex {
  readonly #byOwner = new Map<string, Map<string, SeriesRow>>();
  #nextId = 1;

  load(rows: SeriesRow[]): void {
    for (const row of rows) this.#add(row);
  }

  #add(row: SeriesRow): void {
    const k = ownerKey(row.org, row.kind, row.owner);
    let names = this.#byOwner.get(k);
    if (!names) {
      names = new Map();
      this.#byOwner.set(k, names);
    }
    names.set(row.name, row);
    this.#nextId = Math.max(this.#nextId, row.id + 1);
  }

  /** The owner's name → row map (empty when the owner has no series yet). */
  #names(org: string, owner: MetricOwner): Map<string, SeriesRow> | undefined {
    return this.#byOwner.get(ownerKey(org, owner.kind, owner.id));
  }

  find(org: string, owner: MetricOwner, name: string): SeriesRow | undefined {
    return this.#names(org, owner)?.get(name);
  }

  /** Rows for the names of one owner, creating (in memory only: `created` lists them) the new ones. */
  ensureAll(org: string, owner: MetricOwner, names: string[]): { rows: SeriesRow[]; created: SeriesRow[] } {
    const created: SeriesRow[] = [];
    let known = this.#names(org, owner);
    const rows = names.map((name) => {
      const found = known?.get(name);
      if (found) return found;
      const row: SeriesRow = {
        id: this.#nextId++,
        org,
        kind: owner.kind,
        owner: owner.id,
        name,
        hidden: false,
      };
      this.#add(row);
      known ??= this.#names(org, owner);
      created.push(row);
      return row;
    });
    return { rows, created };
  }

  ofOwner(org: string, owner: MetricOwner): SeriesRow[] {
    return [...(this.#names(org, owner)?.values() ?? [])];
  }

  byId(): Map<number, SeriesRow> {
    const out = new Map<number, SeriesRow>();
    for (const names of this.#byOwner.values()) for (const row of names.values()) out.set(row.id, row);
    return out;
  }
}
