import type { MetricOwner } from '../../domain/metrics.ts';

/**
 * The metric table's items (string `pk`, string `sk`, numeric `ttl`):
 * - minute items: one per owner per posted time, every metric of that time as an attribute
 *   `_<name>`; partitioned by owner and UTC day, so a day of one host is one Query;
 * - day items: after compaction, one per owner, metric and day, with the day's points packed;
 * - pulse items: one per owner (last arrival, newest point time, metric names), spread over
 *   PULSE_SHARDS partitions per organization so 100,000 hosts never share one hot key.
 */
export const PULSE_SHARDS = 32;
export const DAY = 86400;
/**
 * Minute items expire this long after their time: compaction packs a day 2 days after it began, so a
 * compaction that failed has 2 more days to be retried (its dead-letter queue alarms long before).
 */
export const MINUTE_ITEM_TTL = 4 * DAY;

export const pad = (n: number): string => String(n).padStart(10, '0');
export const dayOf = (time: number): number => Math.floor(time / DAY) * DAY;
const ownerPart = (owner: MetricOwner) => `${owner.kind}#${owner.id}`;

export const minutePartition = (org: string, owner: MetricOwner, day: number): string =>
  `M#${org}#${ownerPart(owner)}#${pad(day)}`;
export const minuteKeys = (org: string, owner: MetricOwner, time: number) => ({
  pk: minutePartition(org, owner, dayOf(time)),
  sk: pad(time),
});

export const dayPartition = (org: string, owner: MetricOwner, name: string): string =>
  `D#${org}#${ownerPart(owner)}#${name}`;

/** FNV-1a of a string (32 bits). */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (const c of text) {
    h ^= c.charCodeAt(0);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** FNV-1a, so a host always lands in the same pulse shard. */
export const shardOf = (owner: MetricOwner): number => fnv1a(ownerPart(owner)) % PULSE_SHARDS;

export const pulsePartition = (org: string, shard: number): string => `P#${org}#${shard}`;
export const pulseKeys = (org: string, owner: MetricOwner) => ({
  pk: pulsePartition(org, shardOf(owner)),
  sk: ownerPart(owner),
});
export const ownerOfPulse = (sk: string): MetricOwner => {
  const i = sk.indexOf('#');
  return { kind: sk.slice(0, i) as MetricOwner['kind'], id: sk.slice(i + 1) };
};

/**
 * Spill items: when one (owner, time) has more metrics than one 400 KB item holds, the first minute
 * item keeps what fits and the rest go to `<time>#<part>` items, each name always to the same part
 * (1 + hash of the name). On a conflict the first item wins: a later post for the same time writes
 * there, and a large post removes from it the names it spills.
 */
export const SPILL_PARTS = 16;
export const spillPartOf = (name: string): number => 1 + (fnv1a(name) % SPILL_PARTS);
export const spillKeys = (org: string, owner: MetricOwner, time: number, part: number) => ({
  pk: minutePartition(org, owner, dayOf(time)),
  sk: `${pad(time)}#${part}`,
});
/** A minute item's time and part (0 for the first item). */
export function minuteSkParts(sk: string): { time: number; part: number } {
  const at = sk.indexOf('#');
  return at === -1
    ? { time: Number(sk), part: 0 }
    : { time: Number(sk.slice(0, at)), part: Number(sk.slice(at + 1)) };
}
/** The sort key just past every item of `time`, spill parts included. */
export const padEnd = (time: number): string => `${pad(time)}#~`;

/** Metric attributes carry a prefix no key attribute has. */
export const metricAttr = (name: string): string => `_${name}`;

/**
 * DynamoDB numbers hold magnitudes from 1e-130 to just under 1e126, and the document client refuses
 * integers beyond 2^53; a double outside that (Mackerel accepts any finite one) is stored as its
 * shortest decimal string instead, which reads back to the same double.
 */
const storableAsNumber = (v: number): boolean =>
  v === 0 ||
  (Math.abs(v) >= 1e-130 && Math.abs(v) < 1e126 && (!Number.isInteger(v) || Number.isSafeInteger(v)));

export const encodeValue = (v: number): number | string => (storableAsNumber(v) ? v : String(v));

/** A stored metric attribute back to its double; undefined for anything else. */
export function decodeValue(attr: unknown): number | undefined {
  if (typeof attr === 'number') return attr;
  if (typeof attr === 'string') {
    const v = Number(attr);
    return Number.isFinite(v) ? v : undefined;
  }
  return undefined;
}

/**
 * Role series items (role-series.ts): one per (role, minute, host), the minute's values of the metrics
 * a `role()` expression watches there, so one Query reads a whole role's minute.
 */
export const ROLE_SERIES_TTL = DAY;
export const roleSeriesPartition = (org: string, role: string, minute: number): string =>
  `R#${org}#${role}#${pad(minute)}`;
