import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { MetricOwner, NamedPoint } from '../../domain/metrics.ts';
import { fnv1a, pulseKeys } from './metric-keys.ts';
import type { MetricNames } from './metric-names.ts';
import { conditionally, type Table } from './table.ts';

const DAY = 86400;

/** How often a steadily posting owner's pulse is written (DynamoDB store), in minutes. */
export const HEARTBEAT_MINUTES = 5;

/** The names of a post as one short fingerprint, so a pulse can tell whether they changed. */
export const namesHash = (names: Iterable<string>): string =>
  fnv1a([...new Set(names)].sort().join('\n')).toString(36);

/**
 * Writes the owner's pulse: arrival time (heartbeat), newest point time (only ever forward), and the
 * fingerprint and day of the names last recorded. Answers the fingerprint and day it replaced.
 */
async function touchPulse(
  table: Table,
  org: string,
  owner: MetricOwner,
  newest: number,
  arrivedAt: number | undefined,
  fingerprint: { nh: string; nd: number },
): Promise<{ nh?: string; nd?: number }> {
  const base = {
    TableName: table.name,
    Key: pulseKeys(org, owner),
    ReturnValues: 'UPDATED_OLD' as const,
  };
  const beat = arrivedAt !== undefined;
  const values = { ...(beat && { ':at': arrivedAt }), ':nh': fingerprint.nh, ':nd': fingerprint.nd };
  const setAt = beat ? '#at = :at, ' : '';
  const atName: Record<string, string> = beat ? { '#at': 'at' } : {};
  let old: Record<string, unknown> | undefined;
  const advanced = await conditionally(async () => {
    const out = await table.doc.send(
      new UpdateCommand({
        ...base,
        UpdateExpression: `SET ${setAt}#lt = :lt, nh = :nh, nd = :nd`,
        ConditionExpression: 'attribute_not_exists(#lt) OR #lt <= :lt',
        ExpressionAttributeNames: { ...atName, '#lt': 'lt' },
        ExpressionAttributeValues: { ...values, ':lt': newest },
      }),
    );
    old = out.Attributes;
  });
  if (!advanced) {
    // An older post than the stored newest time: the heartbeat alone (and the names).
    const out = await table.doc.send(
      new UpdateCommand({
        ...base,
        UpdateExpression: `SET ${setAt}nh = :nh, nd = :nd`,
        ...(beat && { ExpressionAttributeNames: atName }),
        ExpressionAttributeValues: values,
      }),
    );
    old = out.Attributes;
  }
  return { nh: old?.nh as string | undefined, nd: old?.nd as number | undefined };
}

/**
 * What a post records besides its points: the owner's pulse and its metric names, written so that
 * they cost little per post. Every post writes its minute item anyway (one write unit); the pulse is
 * a second one, so it is written only
 * - every `heartbeatMinutes` minutes per owner (each owner at its own minute, spread evenly),
 * - or when this process has not touched the owner's pulse yet (a new owner, a new container).
 * The pulse answers the names fingerprint it held: the name items are written only when the post's
 * names differ from it or a day has passed (their TTL), never once per process per day.
 *
 * A heartbeat may therefore be up to `heartbeatMinutes` old; the checker confirms a silence from the
 * minute items before it believes one (DynamoMetricStore.lastSeen), so alerts are not later for it.
 */
export class Arrivals {
  readonly #table: Table;
  readonly #names: MetricNames;
  readonly #heartbeatMinutes: number;
  /** Owners whose pulse this process has written, with the names fingerprint it wrote. */
  readonly #touched = new Map<string, string>();

  constructor(table: Table, names: MetricNames, heartbeatMinutes: number) {
    this.#table = table;
    this.#names = names;
    this.#heartbeatMinutes = heartbeatMinutes;
  }

  /** Whether this post (owner `key`, arriving at `arrivedAt`) writes the pulse. */
  #due(key: string, fingerprint: string, arrivedAt: number): boolean {
    if (this.#touched.get(key) !== fingerprint) return true;
    const minute = Math.floor(arrivedAt / 60);
    return (minute + fnv1a(key)) % this.#heartbeatMinutes === 0;
  }

  /** After the points are stored, so a heartbeat never claims points that are not. */
  async record(
    org: string,
    owner: MetricOwner,
    points: NamedPoint[],
    arrivedAt: number,
    heartbeat = true,
  ): Promise<void> {
    const names = points.map((p) => p.name);
    const nh = namesHash(names);
    const key = `${org}\0${owner.kind}#${owner.id}`;
    if (!this.#due(key, nh, arrivedAt)) return;
    const nd = Math.floor(arrivedAt / DAY);
    const newest = Math.max(...points.map((p) => p.time));
    const old = await touchPulse(this.#table, org, owner, newest, heartbeat ? arrivedAt : undefined, {
      nh,
      nd,
    });
    if (this.#touched.size > 1_000_000) this.#touched.clear();
    this.#touched.set(key, nh);
    if (old.nh !== nh || old.nd !== nd) await this.#names.record(org, owner, names, arrivedAt);
  }
}
